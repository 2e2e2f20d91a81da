"""What one day looks like on the wire: the per-device aggregates the server accepts, built from
the analysis' day summary and the focus sessions that ended that day. Nothing else is sent."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, tzinfo
from typing import Any, Iterable, Mapping

from tracker_desktop.domain.focus import FinishedSession
from tracker_desktop.domain.summary import DaySummary

CODING_CATEGORY = "Work > Programming"
MAX_NAMES = 50
_BAD = re.compile(r"[^\w .+#/()'&>:-]")


def _name(raw: str) -> str | None:
    name = _BAD.sub(" ", raw).strip()[:64].strip()
    return name or None


def _names(values: Mapping[str, float], limit: int = MAX_NAMES) -> dict[str, float]:
    out: dict[str, float] = {}
    for raw, secs in sorted(values.items(), key=lambda kv: -kv[1]):
        name = _name(raw)
        if name is None or secs <= 0:
            continue
        out[name] = round(min(86_400.0, out.get(name, 0.0) + secs), 3)
        if len(out) >= limit:
            break
    return out


def _cap(x: float) -> float:
    return round(max(0.0, min(86_400.0, x)), 3)


def day_payload(summary: DaySummary, sessions: Iterable[FinishedSession], tz: tzinfo,
                device: str) -> dict[str, Any]:
    active = _cap(summary.active)
    coding = sum(s for name, (s, _p) in summary.categories.items()
                 if name == CODING_CATEGORY or name.startswith(CODING_CATEGORY + " >"))
    productive = sum(s for level, s in summary.levels.items() if level > 0)
    mine = [f for f in sessions if f.ended.astimezone(tz).date() == summary.day]
    score = summary.score
    return {
        "device": device,
        "active_seconds": active,
        "coding_seconds": min(active, _cap(coding)),
        "productive_seconds": min(active, _cap(productive)),
        "productivity_score": None if score is None else round(score, 1),
        "focus_sessions": min(500, len(mine)),
        "focus_seconds": _cap(sum(f.actual.total_seconds() for f in mine)),
        "languages": _names(summary.languages),
        "categories": _names({k: v[0] for k, v in summary.categories.items()}),
    }


def is_empty(payload: Mapping[str, Any]) -> bool:
    return bool(payload["active_seconds"] <= 0 and payload["focus_seconds"] <= 0)


def fingerprint(payload: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]


def day_key(d: date) -> str:
    return d.isoformat()
