"""Reading a big JSON document a token at a time (ijson's basic_parse), so an export of years is
never in memory whole: the format modules walk the structure and build one record at a time.

basic_parse rather than ijson's prefix-based `items`: prefixes grow with nesting, and 100k nested
arrays made them quadratic (out of memory). Here nesting is capped and bad input becomes an
ImportFormatError naming the format.
"""

from __future__ import annotations

import codecs
from typing import Any, BinaryIO, Iterator

import ijson

from .base import ImportFormatError

MAX_DEPTH = 64  # far deeper than any export; beyond it the file is refused
Token = tuple[str, Any]
_OPEN = {"start_map", "start_array"}
_CLOSE = {"end_map", "end_array"}


class Tokens:
    """The tokens of `stream`; `what` names the expected format in errors ("an ActivityWatch export")."""

    def __init__(self, stream: BinaryIO, what: str) -> None:
        self.what = what
        head = stream.read(4096)
        try:  # a cut multi-byte character at the end of the peek is fine
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            raise ImportFormatError(f"not {what}: the file is not UTF-8 text") from None
        self._it = ijson.basic_parse(_Rejoined(head, stream), use_float=True)

    def next(self) -> Token:
        try:
            return next(self._it)
        except StopIteration:
            raise ImportFormatError(f"not {self.what}: the file ends too early") from None
        except ijson.JSONError as exc:
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ImportFormatError(f"not {self.what}: invalid JSON ({detail})") from None
        except (ValueError, SystemError, OverflowError):  # a 5000-digit integer
            raise ImportFormatError(f"not {self.what}: a number in it cannot be read") from None

    def keys(self) -> Iterator[str]:
        """After a start_map: each key, leaving the caller to read (or skip) its value."""
        while True:
            kind, value = self.next()
            if kind == "end_map":
                return
            yield str(value)

    def items(self) -> Iterator[Token]:
        """After a start_array: the first token of each item."""
        while True:
            token = self.next()
            if token[0] == "end_array":
                return
            yield token

    def build(self, first: Token) -> Any:
        """The whole value that starts with `first` (nesting capped at MAX_DEPTH)."""
        kind, value = first
        if kind not in _OPEN:
            return value
        stack: list[Any] = [{} if kind == "start_map" else []]
        keys: list[str | None] = [None]
        while True:
            kind, value = self.next()
            if kind == "map_key":
                keys[-1] = value
                continue
            if kind in _CLOSE:
                done = stack.pop()
                keys.pop()
                if not stack:
                    return done
                value = done
            elif kind in _OPEN:
                if len(stack) >= MAX_DEPTH:
                    raise ImportFormatError(f"not {self.what}: nested more than {MAX_DEPTH} deep")
                stack.append({} if kind == "start_map" else [])
                keys.append(None)
                continue
            top = stack[-1]
            if isinstance(top, list):
                top.append(value)
            else:
                top[keys[-1]] = value

    def skip(self, first: Token) -> None:
        """Read past the value that starts with `first`, building nothing."""
        if first[0] not in _OPEN:
            return
        depth = 1
        while depth:
            kind = self.next()[0]
            if kind in _OPEN:
                depth += 1
            elif kind in _CLOSE:
                depth -= 1


class _Rejoined:
    """`stream` with its first bytes (already read for the UTF-8 check) put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson reads 0 bytes to check the stream's type
            return b""
        if self._head:
            out, self._head = self._head, b""
            return out
        return self._stream.read(size)
