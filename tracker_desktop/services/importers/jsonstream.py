"""Reading a big JSON document a record at a time, so an export of years is never in memory whole.

The format modules walk the outer structure (`keys`, `items`) and decode each record whole with
the standard library's C decoder (`value`), reading the file in chunks. Why not ijson: its fast
path (`items` with a prefix) builds prefix strings that grow with nesting, and 100k nested arrays
ran it out of memory (killed); its safe token-by-token path costs a Python step per token and made
imports 20–30 % slower than loading the whole file. Bad input becomes an ImportFormatError naming
the format, never a traceback.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any, BinaryIO, Iterator

from .base import ImportFormatError

CHUNK = 1 << 20  # characters read at a time
MAX_DEPTH = 64  # levels `skip` descends before refusing the file
MAX_VALUE = 8 << 20  # characters of one record (an event, a heartbeat); titles are cut to 2,000
_TAIL = 16  # an error this close to the buffer's end may be a cut "nu|ll" or "\\u00|e9": read on
_WS = re.compile(r"[ \t\n\r]*").match
_raw_decode = json.JSONDecoder().raw_decode


class Scanner:
    """The JSON document in `stream`; `what` names the expected format in errors ("an ActivityWatch
    export"). Memory: one chunk plus the record being decoded."""

    def __init__(self, stream: BinaryIO, what: str) -> None:
        self.what = what
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._buf = ""
        self._pos = 0
        self._done = 0  # characters dropped from the front of the buffer
        self._eof = False

    def _error(self, detail: str) -> ImportFormatError:
        return ImportFormatError(f"not {self.what}: invalid JSON ({detail} at character "
                                 f"{self._done + self._pos:,})")

    def _more(self) -> bool:
        """Append the next chunk to the buffer; False at the end of the file."""
        if self._eof:
            return False
        raw = self._stream.read(CHUNK)
        try:
            text = self._decoder.decode(raw, final=not raw)
        except UnicodeDecodeError:
            raise ImportFormatError(f"not {self.what}: the file is not UTF-8 text") from None
        self._eof = not raw
        self._done += self._pos
        self._buf = self._buf[self._pos:] + text
        self._pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ("" at the end of the file)."""
        while True:
            blank = _WS(self._buf, self._pos)
            assert blank is not None  # "[ \t\n\r]*" matches everywhere, if only the empty string
            self._pos = blank.end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def _expect(self, chars: str) -> str:
        c = self.peek()
        if not c:
            raise self._error("the file ends too early")
        if c not in chars:
            raise self._error(f"expected {' or '.join(repr(x) for x in chars)}, found {c!r}")
        self._pos += 1
        return c

    def open(self, kind: str) -> bool:
        """Step into an object ("{") or array ("["); False (nothing read) if another value is next."""
        c = self.peek()
        if c == kind:
            self._pos += 1
            return True
        if not c:
            raise self._error("the file ends too early")
        return False

    def keys(self) -> Iterator[str]:
        """Inside an object just opened: each key. The caller reads (or skips) its value."""
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self._error("expected a key")
            key = self.value()
            self._expect(":")
            yield key
            if self._expect(",}") == "}":
                return

    def items(self) -> Iterator[None]:
        """Inside an array just opened: once per item. The caller reads (or skips) the item."""
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            yield None
            if self._expect(",]") == "]":
                return

    def value(self) -> Any:
        """The next value, decoded whole; at most MAX_VALUE characters."""
        if not self.peek():
            raise self._error("the file ends too early")
        while True:
            try:
                value, end = _raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                # The record may run past the buffer: read on, unless the decoder stopped
                # before the buffer's end (a real error; an unterminated string reports its start).
                cut = exc.pos >= len(self._buf) - _TAIL or exc.msg.startswith("Unterminated string")
                if cut and self._grow():
                    continue
                self._pos = max(self._pos, min(exc.pos, len(self._buf)))
                raise self._error(exc.msg) from None
            except RecursionError:  # 100k nested arrays: the C decoder gives up
                raise ImportFormatError(f"not {self.what}: nested too deeply") from None
            except ValueError:  # a 5000-digit integer passes Python's int-digit limit
                raise ImportFormatError(f"not {self.what}: a number in it has too many digits") from None
            if end > len(self._buf) - _TAIL and self._grow():
                continue  # a number near the buffer's end may be cut ("1|.5"): decode it whole
            self._pos = end
            return value

    def _grow(self) -> bool:
        if len(self._buf) - self._pos > MAX_VALUE:
            raise ImportFormatError(f"not {self.what}: a record longer than {MAX_VALUE:,} characters")
        return self._more()

    def skip(self, depth: int = 0) -> None:
        """Read past the next value; arrays item by item, so a long one is never held whole."""
        if depth > MAX_DEPTH:
            raise ImportFormatError(f"not {self.what}: nested too deeply")
        if self.open("["):
            for _ in self.items():
                self.skip(depth + 1)
        elif self.open("{"):
            for _ in self.keys():
                self.skip(depth + 1)
        else:
            self.value()
