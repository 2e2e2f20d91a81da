"""Chrome's native-messaging framing: a 4-byte unsigned length in native byte order, then UTF-8
JSON. The same both ways, for browsers and for the VS Code extension."""

from __future__ import annotations

import os
import struct
from typing import BinaryIO, Callable

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


class FrameReader:
    """Frames from a pipe, read in large chunks straight from its file descriptor. `read(wait)`
    calls `wait()` just before it may block for input: the host flushes its replies there, so a
    burst of messages gets its acks in few writes, and a lone message its ack at once."""

    CHUNK = 1 << 16

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        try:
            self._fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None  # an in-memory stream (tests): no descriptor to read
        self._buf = bytearray()
        self._pos = 0
        self._eof = False

    def read(self, before_wait: Callable[[], None] | None = None) -> bytes | None:
        """The next frame's body; None at a clean end of input (FrameError otherwise)."""
        if self._fd is None:
            if before_wait is not None:
                before_wait()
            return read_frame(self._stream)
        while True:
            available = len(self._buf) - self._pos
            if available >= HEADER.size:
                (length,) = HEADER.unpack_from(self._buf, self._pos)
                if length > MAX_INBOUND:
                    raise FrameTooLarge(length)
                if available >= HEADER.size + length:
                    start = self._pos + HEADER.size
                    body = bytes(self._buf[start:start + length])
                    self._pos = start + length
                    return body
            if self._eof:
                if available == 0:
                    return None
                if available < HEADER.size:
                    raise TruncatedFrame(available, HEADER.size)
                raise TruncatedFrame(available - HEADER.size, length)
            if self._pos:
                del self._buf[:self._pos]  # compact only when more must be read
                self._pos = 0
            if before_wait is not None:
                before_wait()
            chunk = os.read(self._fd, self.CHUNK)
            if chunk:
                self._buf += chunk
            else:
                self._eof = True
