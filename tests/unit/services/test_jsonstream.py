"""The streaming JSON reader the ActivityWatch and WakaTime importers walk: the same values as
json.loads wherever the chunks happen to cut the text, and bad input as ImportFormatError."""

import io
import json

import pytest

import tracker_desktop.services.importers.jsonstream as jsonstream
from tracker_desktop.services.importers import ImportFormatError
from tracker_desktop.services.importers.jsonstream import Scanner


def walk(doc: Scanner):
    if doc.open("{"):
        return {k: walk(doc) for k in doc.keys()}
    if doc.open("["):
        return [walk(doc) for _ in doc.items()]
    return doc.value()


DOCS = [
    {"days": [{"heartbeats": [{"time": 1.5 * i, "x": None, "t": True, "f": False, "s": "é\\\"" * (i % 3),
                               "n": -12345678901234567890, "e": 2.5e-10} for i in range(30)]},
              {"date": "x"}], "user_agents": [1, 2.5e10, None]},
    [], {}, [[], {}], "str", 12345, 1.25,
]


@pytest.mark.parametrize("chunk", range(1, 30))
def test_every_chunk_boundary_reads_the_same_values(monkeypatch, chunk):
    monkeypatch.setattr(jsonstream, "CHUNK", chunk)
    for d in DOCS:
        for indent in (None, 2):
            raw = json.dumps(d, indent=indent, ensure_ascii=chunk % 2 == 0).encode()
            assert walk(Scanner(io.BytesIO(raw), "x")) == d


def test_skip_reads_past_a_value_and_the_byte_order_mark_is_ignored():
    doc = Scanner(io.BytesIO(b'\xef\xbb\xbf{"a": [1, {"b": [2, 3]}], "c": 4}'), "x")
    assert doc.open("{")
    seen = {}
    for key in doc.keys():
        if key == "a":
            doc.skip()
        else:
            seen[key] = doc.value()
    assert seen == {"c": 4}


@pytest.mark.parametrize("raw, message", [
    (b"\x80\x81", "not UTF-8"),
    (b'{"a": 1', "invalid JSON"),
    (b'{"a" 1}', "invalid JSON"),
    (b"[1, 2,, 3]", "invalid JSON"),
    (b"[" + b"9" * 5000 + b"]", "too many digits"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'[{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}]", "nested too deeply"),
])
def test_bad_input_is_an_import_format_error(raw, message):
    with pytest.raises(ImportFormatError, match=message):
        Scanner(io.BytesIO(raw), "x").value()  # a record decoded whole
    with pytest.raises(ImportFormatError):
        Scanner(io.BytesIO(raw), "x").skip()  # walked past, item by item


def test_walking_bad_structure_says_where():
    doc = Scanner(io.BytesIO(b'{"a": 1 "b": 2}'), "x")
    assert doc.open("{")
    with pytest.raises(ImportFormatError, match="expected ',' or '}', found '\"' at character 8"):
        for _ in doc.keys():
            doc.value()
    doc = Scanner(io.BytesIO(b'{"a": 1'), "x")
    assert doc.open("{")
    with pytest.raises(ImportFormatError, match="ends too early"):
        for _ in doc.keys():
            doc.value()


def test_a_record_longer_than_the_cap_is_refused(monkeypatch):
    monkeypatch.setattr(jsonstream, "MAX_VALUE", 1000)
    monkeypatch.setattr(jsonstream, "CHUNK", 100)
    doc = Scanner(io.BytesIO(b'[{"title": "' + b"x" * 5000 + b'"}]'), "x")
    assert doc.open("[")
    with pytest.raises(ImportFormatError, match="longer than"):
        for _ in doc.items():
            doc.value()
