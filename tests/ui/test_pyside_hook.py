"""`import_pyside()`: PySide's import hook keeps no module's source, answers as before, and the
long-lived entry points call it first. Each case runs in a fresh interpreter: this one imported
PySide6 long ago."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

ROOT = Path(__file__).resolve().parents[2]

# Two modules the hook has not seen: one that mentions PySide6, one that does not.
PROBE = textwrap.dedent("""
    import builtins, json, linecache, sys
    sys.path.insert(0, {root!r})
    sys.path.insert(0, {mods!r})
    {setup}
    import probe_qt, probe_plain
    feature = sys.modules["shibokensupport.feature"]
    print(json.dumps({{
        "cached": sorted(name for name in ("probe_qt", "probe_plain")
                         if any(key.endswith(name + ".py") for key in linecache.cache)),
        "answers": [feature.pyside_feature_dict.get("probe_qt"),
                    feature.pyside_feature_dict.get("probe_plain")],
        "hooked": builtins.__import__.__name__,
    }}))
""")


def probe(tmp_path: Path, setup: str) -> dict:
    mods = tmp_path / "mods"
    mods.mkdir()
    (mods / "probe_qt.py").write_text("from PySide6 import QtCore  # noqa\nX = 1\n")
    (mods / "probe_plain.py").write_text("Y = [i for i in range(3)]\n")
    script = PROBE.format(root=str(ROOT), mods=str(mods), setup=setup)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_pyside_alone_keeps_the_source_of_every_later_import(tmp_path):
    # Why the module exists: if a PySide6 upgrade stops doing this, ui/pyside_hook.py can go.
    seen = probe(tmp_path, "import PySide6")
    assert seen["cached"] == ["probe_plain", "probe_qt"]
    assert seen["answers"] == [0, -1]  # uses PySide6: "no feature"; does not: "ignore"


def test_import_pyside_keeps_nothing_and_gives_the_same_answers(tmp_path):
    setup = ("from ui.pyside_hook import import_pyside\n"
             "assert import_pyside() and import_pyside()  # twice: idempotent\n"
             "import PySide6.QtCore")
    seen = probe(tmp_path, setup)
    assert seen["cached"] == []
    assert seen["answers"] == [0, -1]
    assert seen["hooked"] == "__feature_import__"  # PySide's hook itself stays in place


def test_uses_pyside_reads_files_and_tolerates_modules_without_one(tmp_path):
    import types

    from ui.pyside_hook import uses_pyside

    mod = types.ModuleType("m")
    assert uses_pyside(mod) is False  # no __file__ (built-in, namespace package)
    mod.__file__ = str(tmp_path / "gone.py")
    assert uses_pyside(mod) is False  # unreadable
    mod.__file__ = str(tmp_path / "ext.so")
    assert uses_pyside(mod) is False  # an extension module: no source
    (tmp_path / "qt.py").write_text("import PySide6\n")
    mod.__file__ = str(tmp_path / "qt.py")
    assert uses_pyside(mod) is True


def test_dashboard_verb_imports_pyside_first(tmp_path):
    """The `dashboard` verb (like `run`) tames the hook before importing the dashboard: after a
    screenshot, none of numpy's or pyqtgraph's source is held in memory."""
    shot = tmp_path / "d.png"
    script = textwrap.dedent(f"""
        import linecache, os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from tracker_desktop.cli import main
        data = {str(tmp_path / "data")!r}
        assert main(["--data-dir", data, "pause", "--minutes", "0.01"]) == 0  # creates the file
        code = main(["--data-dir", data, "dashboard",
                     "--screenshot", {str(shot)!r}])
        assert code == 0, code
        assert "pyqtgraph" in sys.modules and "numpy" in sys.modules
        held = [k for k in linecache.cache if "pyqtgraph" in k or "numpy" in k]
        print(len(held), held[:3])
    """)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "TRACKER_LOG_DIR": str(tmp_path / "logs"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split()[0] == "0", done.stdout
    assert shot.stat().st_size > 10_000


def test_run_verb_imports_pyside_before_the_tray(tmp_path):
    """`run` tames the hook before the tracker and the tray are built. The tracker and the tray
    are stood in for here (they need a display: tests/x11 runs the real ones); the stand-in for
    the tray imports what the real one does, the tray and, on first open, the dashboard."""
    script = textwrap.dedent(f"""
        import linecache, sys
        sys.path.insert(0, {str(ROOT)!r})
        import tracker_desktop.app as composition
        from tracker_desktop.cli import main

        def run_gui(app, tracker, settings_path=None):
            import ui.tray, ui.dashboard  # noqa: F401
            # (shiboken6's own __init__ is read by the hook it installs, before it can be tamed)
            held = [k for k in linecache.cache if ("site-packages" in k or "/ui/" in k)
                    and "shiboken6" not in k]
            print(len(held), held[:3])
            return 0

        composition.build_tracker = lambda app, headless: object()
        composition.run_gui = run_gui
        sys.exit(main(["--data-dir", {str(tmp_path / "data")!r}, "run"]))
    """)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "TRACKER_LOG_DIR": str(tmp_path / "logs"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DISPLAY": ":987",
           "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split()[0] == "0", done.stdout
