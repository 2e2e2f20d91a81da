"""Chrome's native-messaging framing: a 4-byte unsigned length in native byte order, then UTF-8
JSON. The same both ways, for browsers and for the VS Code extension."""

from __future__ import annotations

import struct
from typing import BinaryIO

HEADER = struct.Struct("=I")  # native byte order, standard 4-byte size
# A long offline queue flushed at once must fit; anything larger is a broken or hostile peer.
MAX_INBOUND = 8 * 1024 * 1024
# Chrome refuses host → extension messages over 1 MiB (and drops the connection).
MAX_OUTBOUND = 1024 * 1024


class FrameError(Exception):
    """The stream cannot be read further: the connection must end."""

    code = "frame_error"


class FrameTooLarge(FrameError):
    code = "frame_too_large"

    def __init__(self, length: int) -> None:
        super().__init__(f"a frame of {length} bytes is over the {MAX_INBOUND}-byte limit")
        self.length = length


class TruncatedFrame(FrameError):
    code = "truncated_frame"

    def __init__(self, got: int, wanted: int) -> None:
        super().__init__(f"input ended {got} bytes into a {wanted}-byte frame")


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    if data is None:
        data = b""
    if len(data) == n or not data:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = stream.read(n - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's body; None when the input ended cleanly between frames."""
    header = _read_exact(stream, HEADER.size)
    if not header:
        return None
    if len(header) < HEADER.size:
        raise TruncatedFrame(len(header), HEADER.size)
    (length,) = HEADER.unpack(header)
    if length > MAX_INBOUND:
        raise FrameTooLarge(length)
    body = _read_exact(stream, length)
    if len(body) < length:
        raise TruncatedFrame(len(body), length)
    return body


def encode_frame(body: bytes) -> bytes:
    return HEADER.pack(len(body)) + body
