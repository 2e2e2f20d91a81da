"""In a real VS Code (code-server + headless chromium): opening, editing and saving a file lands
as editor events in the database, written by the `tracker-desktop native-host` the extension spawned."""

from __future__ import annotations

import json
import subprocess
import time

from .conftest import TRACKER, CodeServer

# No indentation after a newline: an Enter with its auto-indentation is one keystroke, so spaces
# typed right after an Enter (which a busy browser may deliver in the same change event) would
# not count exactly.
TYPED = "total = sum([1, 2, 3])\nprint(total)\n"


def _editor_events(code_server: CodeServer) -> list[dict]:
    proc = subprocess.run([str(TRACKER), "--data-dir", str(code_server.data_dir), "events", "--source", "editor",
                           "--all", "--json"], capture_output=True, text=True)
    if proc.returncode != 0 and "there is no database" in proc.stderr:
        return []
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_edit_and_save_in_code_server_land_as_editor_events(code_server: CodeServer) -> None:
    file = str(code_server.workspace / "hello.py")
    with code_server.drive("hello.py", TYPED) as steps:
        assert [s["step"] for s in steps] == ["workbench", "status", "opened", "typed", "saved", "ready"], steps
        saved = "print('hello')\n" + TYPED
        deadline = time.monotonic() + 10
        while (code_server.workspace / "hello.py").read_text() != saved and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (code_server.workspace / "hello.py").read_text() == saved, "saved to disk"
        # The save is sent at once; the host writes within 5 s of its ack.
        deadline = time.monotonic() + 30
        while True:
            events = [e for e in _editor_events(code_server) if e["data"].get("file") == file]
            if any(e["counts"].get("writes") for e in events) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    assert events, f"no editor event for {file}: {_editor_events(code_server)}"
    data = events[-1]["data"]
    assert data == {"file": file, "language": "python", "project": code_server.workspace.name,
                    "branch": "feature/cart", "editor": "vscode", "category": "coding"}
    counts: dict[str, int] = {}
    for e in events:
        for k, v in e["counts"].items():
            counts[k] = counts.get(k, 0) + v
    assert counts.get("writes") == 1, events
    # One text-change event per character typed (Enter included); nothing else edited the file.
    assert counts.get("keys") == len(TYPED), _editor_events(code_server)
    assert counts.get("lines_added") == 2 and counts.get("lines_typed") == 2, counts
    assert "lines_ai" not in counts and "lines_pasted" not in counts, counts
