"""The VS Code extension in a real VS Code: code-server (installed by scripts/setup_code_server.sh)
driven by Debian's headless chromium through playwright-core."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "extensions" / "vscode"
# The launcher scripts/setup_code_server.sh writes (CODE_SERVER overrides it).
CODE_SERVER = Path(os.environ.get("CODE_SERVER") or ROOT / ".tools" / "code-server" / "code-server")
TRACKER = Path(sys.executable).parent / "tracker-desktop"
VSIX = EXT / "dist" / "tracker-desktop-vscode.vsix"


def _need(path: Path, how: str) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: {how}", pytrace=False)


@pytest.fixture(scope="session")
def vsix() -> Path:
    """The extension packaged as a .vsix, built from the sources by its own script."""
    _need(CODE_SERVER, "run scripts/setup_code_server.sh (scripts/setup.sh does)")
    _need(Path("/usr/bin/chromium"), "apt-get install chromium (scripts/setup.sh does)")
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is missing (scripts/setup_node.sh installs Node 20)", pytrace=False)
    if not (EXT / "node_modules" / ".package-lock.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=EXT, check=True)
    subprocess.run([npm, "run", "--silent", "package"], cwd=EXT, check=True, stdout=subprocess.DEVNULL)
    return VSIX


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class CodeServer:
    url: str
    workspace: Path
    data_dir: Path
    artifacts: Path
    log: Path

    @contextlib.contextmanager
    def drive(self, edits: list[tuple[str, str]]) -> Iterator[list[dict[str, object]]]:
        """Runs the chromium driver (for each (file, text): open it, type the text, save) up to its
        "ready" step and yields the steps; the page stays open (the editor session alive) until
        the with-block ends."""
        args = json.dumps({"url": self.url, "edits": [{"file": f, "text": t} for f, t in edits],
                           "artifacts": str(self.artifacts)})
        proc = subprocess.Popen(["node", str(Path(__file__).with_name("drive_code_server.mjs")), args],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdin is not None
        steps: list[dict[str, object]] = []
        try:
            for line in proc.stdout:
                if line.startswith("{"):
                    steps.append(json.loads(line))
                    if steps[-1]["step"] in ("ready", "error"):
                        break
            if not steps or steps[-1]["step"] != "ready":
                proc.wait(timeout=60)
                tail = self.log.read_text(errors="replace")[-3000:]
                stderr = proc.stderr.read()[-3000:] if proc.stderr else ""
                pytest.fail(f"driving code-server failed: {steps}\n{stderr}\ncode-server log:\n{tail}",
                            pytrace=False)
            yield steps
        finally:
            proc.stdin.close()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def code_server(vsix: Path, tmp_path: Path) -> Iterator[CodeServer]:
    home, tmp, data_dir = tmp_path / "home", tmp_path / "tmp", tmp_path / "data"
    user_data, extensions = tmp_path / "user-data", tmp_path / "extensions"
    # VSCODE_TEST_ARTIFACTS keeps the screenshot and code-server's log somewhere that outlives
    # pytest's rotation of its temp dirs.
    artifacts = Path(os.environ.get("VSCODE_TEST_ARTIFACTS") or tmp_path / "artifacts")
    for d in (home, tmp, data_dir, user_data / "User", extensions):
        d.mkdir(parents=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "shop"
    workspace.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "TRACKER_DATA_DIR": str(data_dir),
        "XDG_CONFIG_HOME": str(home / ".config"),
        # No marketplace: a dead loopback address, so nothing is fetched from the network.
        "EXTENSIONS_GALLERY": json.dumps({"serviceUrl": "http://127.0.0.1:9/gallery",
                                          "itemUrl": "http://127.0.0.1:9/items"}),
    }
    env.pop("VSCODE_IPC_HOOK_CLI", None)
    subprocess.run(["git", "init", "-q", "-b", "feature/cart", str(workspace)], check=True, env=env)
    (workspace / "hello.py").write_text("print('hello')\n")
    (workspace / "cart.js").write_text("// cart\n")
    (user_data / "User" / "settings.json").write_text(json.dumps({
        "trackerDesktop.executable": str(TRACKER),
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "security.workspace.trust.enabled": False,
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "git.openRepositoryInParentFolders": "always",
        "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
        "editor.suggestOnTriggerCharacters": False,
        "editor.acceptSuggestionOnEnter": "off",
        "editor.autoClosingBrackets": "never",
        "editor.autoClosingQuotes": "never",
        "editor.autoIndent": "none",
        "files.autoSave": "off",  # code-server saves after a delay by default: the test saves itself
    }))
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    subprocess.run([str(CODE_SERVER), *common, "--install-extension", str(vsix)],
                   check=True, env=env, capture_output=True, timeout=120)
    installed = list(extensions.glob("tracker-desktop.tracker-desktop-vscode-*"))
    assert installed, f"the .vsix did not install into {extensions}"

    port = _free_port()
    log = artifacts / "code-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CODE_SERVER), *common, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none",
             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             "--disable-getting-started-override", str(workspace)],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not start:\n{log.read_text(errors='replace')[-3000:]}",
                                pytrace=False)
                time.sleep(0.2)
        yield CodeServer(f"http://127.0.0.1:{port}/?folder={workspace}", workspace, data_dir, artifacts, log)
    finally:
        # code-server, its extension host and the tracker host it spawned: one process group.
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
