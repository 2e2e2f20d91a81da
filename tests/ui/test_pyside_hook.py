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
    (tmp_path / "plain.py").write_text("import json\n")
    mod.__file__ = str(tmp_path / "plain.py")
    assert uses_pyside(mod) is False
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("from PySide6 import QtCore\n")
    mod.__file__ = str(tmp_path / "pkg" / "__init__.py")
    assert uses_pyside(mod) is True


def test_uses_pyside_asks_the_loader_of_a_zip_import(tmp_path):
    import importlib
    import linecache
    import zipfile

    from ui.pyside_hook import uses_pyside

    archive = tmp_path / "mods.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped_qt.py", "from PySide6 import QtCore  # noqa\n")
        z.writestr("zipped_plain.py", "Z = 2\n")
    sys.path.insert(0, str(archive))
    try:
        qt, plain = (importlib.import_module(n) for n in ("zipped_qt", "zipped_plain"))
        cached = set(linecache.cache)
        assert uses_pyside(qt) is True and uses_pyside(plain) is False
        assert set(linecache.cache) == cached
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop("zipped_qt", None)
        sys.modules.pop("zipped_plain", None)


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
    assert done.stdout.strip(), done.stderr
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
            before = set(linecache.cache)
            import ui.tray, ui.dashboard.window  # noqa: F401  (the window imports pyqtgraph)
            assert "pyqtgraph" in sys.modules and "numpy" in sys.modules
            held = [k for k in linecache.cache if k not in before]
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
    assert done.stdout.strip(), done.stderr
    assert done.stdout.splitlines()[-1].split()[0] == "0", done.stdout


@pytest.mark.parametrize("verb", [["run"], ["dashboard", "--week", "2025-W02"]])
def test_without_pyside_the_gui_verbs_say_what_to_install(tmp_path, verb):
    """PySide6 is an extra: without it, `run` and `dashboard` exit 2 with what to install (and
    bad input is still reported first: `--week 2025-W99` is a usage error either way)."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.modules["shiboken6"] = None  # what an environment without PySide6 gives: ImportError
        sys.modules["PySide6"] = None
        from tracker_desktop.cli import main
        data = {str(tmp_path / "data")!r}
        assert main(["--data-dir", data, "pause", "--minutes", "0.01"]) == 0
        bad = main(["--data-dir", data, "dashboard", "--week", "2025-W99"])
        print("bad week:", bad)
        sys.exit(main(["--data-dir", data, *{verb!r}]))
    """)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "TRACKER_LOG_DIR": str(tmp_path / "logs"),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DISPLAY": ":987"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env=env)
    assert done.returncode == 2, done.stderr
    assert "bad week: 2" in done.stdout
    assert "2025-W99" in done.stderr
    assert "needs PySide6 (pip install 'tracker-desktop[gui]')" in done.stderr.splitlines()[-1]
