"""The desktop entries in packaging/ are valid and start the real command."""

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import pytest

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
ENTRIES = sorted(LINUX.glob("*.desktop"))


def test_there_are_a_menu_entry_and_an_autostart_entry():
    assert [p.name for p in ENTRIES] == ["tracker-desktop-autostart.desktop", "tracker-desktop.desktop"]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.name)
def test_desktop_entry_is_valid_and_runs_the_tracker(entry):
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("desktop-file-validate is missing: scripts/setup.sh installs desktop-file-utils")
        pytest.skip("desktop-file-utils not installed")
    result = subprocess.run([tool, str(entry)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == "", result.stdout + result.stderr
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(entry)
    assert parser["Desktop Entry"]["Exec"] == "tracker-desktop run"
