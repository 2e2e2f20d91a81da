"""Import PySide6 without its import hook keeping the source of every later module in memory.

Importing shiboken6 (which `import PySide6` does) replaces `builtins.__import__` with a hook for
PySide's `from __feature__ import snake_case` switch. For each module imported after it, the hook
asks whether the module uses PySide6 by reading its source with `inspect.getsource`
(`shibokensupport.feature._mod_uses_pyside`, PySide6 6.11). `inspect.getsource` goes through
`linecache`, which keeps every line of every file it read until the process ends. In the tray that
was the whole source of SQLAlchemy, APScheduler, python-xlib and, once the dashboard opened, numpy
and pyqtgraph: 13.6 million characters in 382,348 line strings, ~33 MB of RSS
(docs/benchmarks.md, "PySide6's import hook no longer keeps module source").

`import_pyside()` imports PySide6 and gives the hook a check that asks the same question ("PySide6"
appears in the module's source) of the .py file, or of the module's loader when there is no such
file (a zip import), and keeps nothing. The application never uses `__feature__`, and a module's
answer could only matter to it if it did.

Call it before the first PySide6 import of a long-lived process. Only two small files are read the
old way: shiboken6's own `__init__` and what it imports while its hook is already in place (~80 KB).
Modules imported before PySide6 are not checked at import; `from __feature__ import`, which the
app never runs, would check them all once.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

logger = logging.getLogger(__name__)


def import_pyside() -> bool:
    """Import PySide6 (raises ImportError without it) and make its import hook keep nothing.

    True when the hook's check is the lean one (now or since an earlier call); False when this
    PySide6 has no such check (a version that changed it), which leaves its hook as it is."""
    import shiboken6  # noqa: F401  (installs the import hook tamed below)

    feature = sys.modules.get("shibokensupport.feature")
    check = getattr(feature, "_mod_uses_pyside", None)
    tamed = feature is not None and callable(check)
    if tamed and check is not uses_pyside:
        feature._mod_uses_pyside = uses_pyside  # type: ignore[union-attr]
    elif not tamed:
        logger.debug("PySide6's import hook has no _mod_uses_pyside here: left as it is")
    import PySide6  # noqa: F401  (after the check is in place: its own imports use it too)

    return tamed


def uses_pyside(module: ModuleType) -> bool:
    """Whether `module`'s source mentions PySide6: the question PySide's hook asks, answered
    without `linecache`. A module without source (built-in, extension, bytecode only) answers
    False, as `inspect.getsource` failing does in the original check."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass  # not a plain file (a zip import): ask its loader
    get_source = getattr(getattr(module, "__loader__", None), "get_source", None)
    if get_source is None:
        return False
    try:
        text = get_source(module.__name__)
    except Exception:  # noqa: BLE001 - whatever a loader raises, the original check said False
        return False
    return isinstance(text, str) and "PySide6" in text
