"""`orgsim dashboard` serves with a production WSGI server; --debug with Dash's own."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def test_the_dashboard_is_served_by_waitress_without_a_warning(
    tmp_path: Path, free_port: int
) -> None:
    env = os.environ | {"TMPDIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "orgsim.cli", "dashboard", str(tmp_path / "results"),
           "--port", str(free_port)]  # fmt: skip
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdout.readline().startswith(b"orgsim")
        url, page = f"http://127.0.0.1:{free_port}/", b""
        for _ in range(100):  # bounded: about 10 s
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    page = response.read()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.1)
        assert b"orgsim" in page and "waitress" in server_header
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=20)
    finally:
        server.kill()
    assert b"development server" not in err and b"Traceback" not in err


def test_debug_uses_dashs_server_with_its_dev_tools(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flask
    import waitress

    from dashboard import serve

    served: list[str] = []
    monkeypatch.setattr(flask.Flask, "run", lambda self, **kw: served.append("dash"))
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.append("waitress"))
    handler = signal.getsignal(signal.SIGTERM)
    try:
        serve(tmp_path)
        serve(tmp_path, debug=True)
    finally:
        signal.signal(signal.SIGTERM, handler)
    assert served == ["waitress", "dash"]
