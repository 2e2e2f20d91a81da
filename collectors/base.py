"""What every collector shares: the error a probe raises when it cannot work on this machine."""

from __future__ import annotations


class CollectorUnavailable(RuntimeError):
    """A probe cannot work here (no display, a missing X extension, a library that will not load).

    The message says plainly why and what the person can do about it; the CLI prints it as is.
    """
