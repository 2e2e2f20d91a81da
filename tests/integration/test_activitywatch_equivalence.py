"""Our merges equal ActivityWatch's: the same heartbeats through `tracker-desktop import` and through
aw-server's own ServerAPI.heartbeat (installed in .venv-aw by scripts/setup.sh) give the same events."""

import json
import os
import random
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AW_PYTHON = ROOT / ".venv-aw" / "bin" / "python"
PEER = Path(__file__).with_name("aw_peer.py")


def streams(seed: int) -> list[dict]:
    """In-order heartbeats for several sources with assorted gaps, durations, data and pulsetimes."""
    rnd = random.Random(seed)
    out = []
    for k, pulse in enumerate([0.0, 1.0, 2.0, 5.0, None]):
        source = "window" if pulse is None else f"bucket{k}"
        t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
        for _ in range(400):
            t += timedelta(milliseconds=rnd.choice([0, 250, 1000, 1000, 1000, 2000, 2001, 3000, 7000]))
            hb = {"source": source, "timestamp": t.isoformat(),
                  "data": {"app": rnd.choice(["code", "code", "code", "firefox", "term"]),
                           "title": rnd.choice(["a", "a", "b"])}}
            if rnd.random() < 0.2:
                hb["duration"] = rnd.choice([0.5, 1.0, 4.25])
            if pulse is not None:
                hb["pulsetime"] = pulse
            out.append(hb)
    return out


def _norm(events):
    return sorted((e["source"], datetime.fromisoformat(e["start"]), round(e["duration"], 6),
                   json.dumps(e["data"], sort_keys=True)) for e in events)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_events_as_activitywatch(seed, cli):
    if not AW_PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(".venv-aw is missing: scripts/setup.sh installs ActivityWatch's server there")
        pytest.skip(".venv-aw not installed (run scripts/setup.sh)")
    beats = streams(seed)
    text = "\n".join(json.dumps(b) for b in beats)
    code, out, err = cli("import", "-", stdin=text)
    assert code == 0, err
    ours = json.loads(cli("events", "--json", "--all")[1])
    assert json.loads(out)["events"] == len(ours)
    peer = subprocess.run([str(AW_PYTHON), str(PEER)], input=text, capture_output=True, text=True,
                          check=True, timeout=120)
    theirs = json.loads(peer.stdout)
    assert len(ours) > 300  # the streams really exercise splits and merges
    assert _norm(ours) == _norm(theirs)
