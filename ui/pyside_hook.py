"""Import PySide6 without its import hook keeping the source of every later module in memory.

Importing shiboken6 (which `import PySide6` does) replaces `builtins.__import__` with a hook for
PySide's `from __feature__ import snake_case` switch. For each module imported after it, the hook
asks whether the module uses PySide6 by reading its source with `inspect.getsource`
(`shibokensupport.feature._mod_uses_pyside`, PySide6 6.11). `inspect.getsource` goes through
`linecache`, which keeps every line of every file it read until the process ends. In the tray that
was the whole source of SQLAlchemy, APScheduler, python-xlib and, once the dashboard opened, numpy
and pyqtgraph: 13.6 million characters held in some 400,000 strings, ~33 MB of RSS
(docs/benchmarks.md, "PySide6's import hook").

`import_pyside()` imports PySide6 and gives the hook a check that answers the same question the
same way ("PySide6" appears in the module's .py file) but reads the file once and keeps nothing.
The application never uses `__feature__`, and its answer would be unchanged if it did.

Call it before the first PySide6 import of a long-lived process: what was imported before that
point is not checked at all, and what is imported after it is checked with the lean reader.
"""

from __future__ import annotations

import sys
from types import ModuleType


def import_pyside() -> bool:
    """Import PySide6 (raises ImportError without it) and make its import hook keep nothing.

    True when the hook's check was replaced (now or by an earlier call); False when this PySide6
    has no such check (a later version that changed it), which leaves PySide6 as it is."""
    import shiboken6  # noqa: F401  (installs the import hook this function tames)

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(check):
        return False
    if check is not uses_pyside:
        feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    import PySide6  # noqa: F401  (after the check is in place: its own imports use it too)

    return True


def uses_pyside(module: ModuleType) -> bool:
    """Whether `module`'s source file mentions PySide6: the question PySide's hook asks, answered
    without `linecache`. Modules without a .py file (built-in, extension, bytecode-only) answer
    False, as `inspect.getsource` failing does in the original check."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False
