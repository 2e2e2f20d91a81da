"""`npm run package` builds the Chromium zip and the Firefox xpi-ready folder from the one source."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[2] / "extensions" / "browser"


def test_package_builds_a_zip_per_browser_family() -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is missing: scripts/setup_node.sh installs it")
    done = subprocess.run(["npm", "run", "--silent", "package"], cwd=EXTENSION,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    source = json.loads((EXTENSION / "manifest.json").read_text())
    sources = sorted(str(p.relative_to(EXTENSION)) for p in (EXTENSION / "src").rglob("*")
                     if p.is_file())
    for archive, folder in (("tracker-desktop-chromium.zip", "chromium"),
                            ("tracker-desktop-firefox.xpi", "firefox")):
        with zipfile.ZipFile(EXTENSION / "dist" / archive) as z:
            assert z.testzip() is None
            assert sorted(z.namelist()) == sorted(["manifest.json", *sources])
            manifest = json.loads(z.read("manifest.json"))
            assert z.read("src/background.js") == (EXTENSION / "src/background.js").read_bytes()
        assert json.loads((EXTENSION / "dist" / folder / "manifest.json").read_text()) == manifest
        assert manifest["version"] == source["version"]
        assert manifest["permissions"] == source["permissions"]
        if folder == "chromium":
            assert manifest["key"] == source["key"] and "browser_specific_settings" not in manifest
            assert manifest["background"] == {"service_worker": "src/background.js", "type": "module"}
        else:
            assert "key" not in manifest
            assert manifest["browser_specific_settings"]["gecko"]["id"] == "browser@tracker-desktop.org"
            assert manifest["background"] == {"scripts": ["src/background.js"], "type": "module"}
