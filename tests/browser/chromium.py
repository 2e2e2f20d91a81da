"""Drive Debian's chromium with the extension loaded, through tests/browser/driver.mjs."""

from __future__ import annotations

import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


class Chromium:
    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(["node", str(HERE / "driver.mjs")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=env)

    def __call__(self, cmd: str, **args: Any) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the driver died: {self.stderr()}")
        reply = json.loads(line)
        if not reply["ok"]:
            raise RuntimeError(f"{cmd} failed: {reply['error']}")
        return reply["result"]

    def storage(self) -> dict[str, Any]:
        return self("storage")  # type: ignore[no-any-return]

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return self.proc.stderr.read()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self("close")
            except Exception:
                pass
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Pages:
    """Pages served on 127.0.0.1: /<name> is a page titled "Page <name>"; /<name>?tall=N is one
    N pixels tall (a long article to scroll)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                path, _, query = self.path.partition("?")
                name = path.strip("/") or "index"
                tall = dict(p.partition("=")[::2] for p in query.split("&") if p).get("tall")
                filler = ("<style>html, body {margin: 0}</style>"
                          f'<div style="height:{int(tall)}px">the article</div>' if tall else "")
                body = (f"<!doctype html><title>Page {name}</title>"
                        f"<p>Content of {name} on {self.headers.get('Host')}</p>{filler}").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host: str, name: str) -> str:
        return f"http://{host}:{self.port}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
