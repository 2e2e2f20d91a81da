"""What the task, timer, entry and log verbs share: ids, times and the error mapping."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from tracker_desktop.commands.base import Context, UsageError

if TYPE_CHECKING:
    from tracker_desktop.services.tasks import TaskService


def task_id(text: str) -> int:
    """An id as argparse type: a positive integer (a leading # is allowed)."""
    value = text.strip().lstrip("#")
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id (a positive number)")
    return int(value)


def service(ctx: Context) -> TaskService:
    return ctx.app.tasks


def run(fn: Callable[[], Any]) -> Any:
    """Call the service; its domain errors are the user's input: exit 2, nothing changed."""
    from tracker_desktop.domain.tasks import TaskError

    try:
        return fn()
    except TaskError as exc:
        raise UsageError(str(exc)) from None


def when(ctx: Context, text: str, what: str) -> datetime:
    from tracker_desktop.commands.timeargs import parse_when
    from tracker_desktop.domain.events import InvalidEvent

    try:
        return parse_when(text, what, ctx.tz)
    except InvalidEvent as exc:
        raise UsageError(str(exc)) from None


def hm(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
