"""In a real VS Code (code-server + headless chromium): opening, editing and saving files lands as
editor events in the database, written by the `tracker-desktop native-host` the extension spawned."""

from __future__ import annotations

import json
import subprocess
import time
from datetime import datetime
from pathlib import Path

from .conftest import TRACKER, CodeServer

# No indentation after a newline: an Enter with its auto-indentation is one keystroke, so spaces
# typed right after an Enter (which a busy browser may deliver in the same change event) would
# not count exactly.
PY = "total = sum([1, 2, 3])\nprint(total)\n"
JS = "const items = [];\n"


def _editor_events(code_server: CodeServer) -> list[dict]:
    proc = subprocess.run([str(TRACKER), "--data-dir", str(code_server.data_dir), "events", "--source", "editor",
                           "--all", "--json"], capture_output=True, text=True)
    if proc.returncode != 0 and "there is no database" in proc.stderr:
        return []
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _wait_for_file(path: Path, text: str) -> None:
    deadline = time.monotonic() + 10
    while path.read_text() != text and time.monotonic() < deadline:
        time.sleep(0.1)
    assert path.read_text() == text, f"{path.name} saved to disk"


def _counts(events: list[dict]) -> dict[str, int]:
    total: dict[str, int] = {}
    for e in events:
        for k, v in e["counts"].items():
            total[k] = total.get(k, 0) + v
    return total


def test_edits_and_saves_in_code_server_land_as_editor_events(code_server: CodeServer) -> None:
    ws = code_server.workspace
    with code_server.drive([("hello.py", PY), ("cart.js", JS)]) as steps:
        assert [(s["step"], s.get("file")) for s in steps] == [
            ("workbench", None), ("status", None),
            ("opened", "hello.py"), ("typed", "hello.py"), ("saved", "hello.py"),
            ("opened", "cart.js"), ("typed", "cart.js"), ("saved", "cart.js"), ("ready", None)], steps
        _wait_for_file(ws / "hello.py", "print('hello')\n" + PY)
        _wait_for_file(ws / "cart.js", "// cart\n" + JS)
        # Each save is sent at once; the host acks it once committed.
        deadline = time.monotonic() + 30
        while True:
            events = _editor_events(code_server)
            if sum(e["counts"].get("writes", 0) for e in events) >= 2 or time.monotonic() > deadline:
                break
            time.sleep(0.5)

    by_file: dict[str, list[dict]] = {}
    for e in events:
        by_file.setdefault(e["data"]["file"], []).append(e)
    assert sorted(by_file) == [str(ws / "cart.js"), str(ws / "hello.py")], events
    common = {"project": ws.name, "branch": "feature/cart", "editor": "vscode", "category": "coding"}
    py, js = by_file[str(ws / "hello.py")], by_file[str(ws / "cart.js")]
    assert py[-1]["data"] == {"file": str(ws / "hello.py"), "language": "python", **common}
    assert js[-1]["data"] == {"file": str(ws / "cart.js"), "language": "javascript", **common}
    # One keystroke per character typed (Enter included), counted where it was typed; one save each.
    assert _counts(py) == {"keys": len(PY), "lines_added": 2, "lines_typed": 2, "writes": 1}, py
    assert _counts(js) == {"keys": len(JS), "lines_added": 1, "lines_typed": 1, "writes": 1}, js
    # The switch ended hello.py's stretch where cart.js's began, in that order.
    assert datetime.fromisoformat(py[-1]["end"]) <= datetime.fromisoformat(js[0]["start"]), (py, js)
