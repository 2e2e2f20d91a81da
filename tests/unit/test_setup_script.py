"""scripts/setup.sh must be able to set up a fresh Debian machine on its own."""

import re

from tests.conftest import ROOT


def _apt_packages(name: str = "APT_PACKAGES") -> set[str]:
    text = (ROOT / "scripts" / "setup.sh").read_text()
    body = re.search(rf"(?m)^{name}=\((.*?)\n\)", text, re.S)
    assert body is not None
    words = " ".join(line.split("#", 1)[0] for line in body.group(1).splitlines())
    return set(words.split())


def test_setup_installs_what_building_evdev_needs():
    # pynput requires evdev on Linux, and PyPI has evdev only as source: pip compiles it, which
    # needs a C compiler, libc headers (linux/input.h comes with them) and Python's headers.
    # A fresh Debian image has none of them.
    assert "evdev" in (ROOT / "constraints.txt").read_text()
    assert {"gcc", "libc6-dev", "python3-dev"} <= _apt_packages()
    # ...and so does the app alone (scripts/run.sh sets up with --app).
    assert {"gcc", "libc6-dev", "python3-dev"} <= _apt_packages("APP_APT_PACKAGES")


def test_the_app_needs_a_subset_of_what_the_tests_need():
    app = _apt_packages("APP_APT_PACKAGES")
    assert app and app <= _apt_packages()


def test_setup_prefers_the_python_apt_installed_venv_and_headers_for():
    text = (ROOT / "scripts" / "setup.sh").read_text()
    loop = re.search(r"for py in ([^;]+);", text)
    assert loop is not None and loop.group(1).split()[0] == "python3"
