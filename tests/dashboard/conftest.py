"""Browser test set-up (headless Chromium): window size, a free port, a results root, and a
test server that stops cleanly."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from dash.testing import wait
from dash.testing.application_runners import ThreadedRunner
from results_fixtures import make_results, make_sensitivity_results, make_sweep_results
from selenium.webdriver.chrome.options import Options
from werkzeug.serving import make_server

from dashboard import create_app


def pytest_setup_options() -> Options:
    """dash_duo's Chrome options: a window wide enough for the dashboard's layout."""
    options = Options()
    options.add_argument("--window-size=1280,1000")
    return options


class StoppableRunner(ThreadedRunner):
    """dash.testing's threaded runner, stopped by shutting its server down. Dash's own stops a
    Flask server by raising SystemExit inside the server thread, which can land while that
    thread holds a logging handler's lock: every later test in the process then hangs."""

    def start(self, app, start_timeout: float = 10, port: int = 8050, **kwargs) -> None:
        app.scripts.config.serve_locally = True
        app.css.config.serve_locally = True
        app.enable_dev_tools(debug=False, dev_tools_disable_version_check=True, **kwargs)
        self._app, self.port = app, port
        self._server = make_server(self.host, port, app.server, threaded=True)
        self.thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.thread.start()
        wait.until(lambda: self.accessible(self.url), timeout=start_timeout)
        self.started = True

    def stop(self) -> None:
        self._server.shutdown()  # serve_forever returns; no exception is raised in its thread
        self.thread.join(self.stop_timeout)
        self._server.server_close()
        self.started = False


@pytest.fixture
def dash_thread_server() -> Iterator[StoppableRunner]:
    """The server behind dash_duo (replaces dash.testing's fixture of that name)."""
    with StoppableRunner() as runner:
        yield runner


@pytest.fixture
def free_port() -> int:
    """A TCP port nobody listens on, so parallel runs do not test each other's apps."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A results root holding one small experiment, 'tiny' (made once per session)."""
    root = tmp_path_factory.mktemp("results")
    make_results(root)
    return root


@pytest.fixture(scope="session")
def sweeps_root(shared_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'tiny', plus a sweep ('tiny-sweep') and a sensitivity analysis ('tiny-sensitivity')."""
    root = tmp_path_factory.mktemp("sweeps") / "results"
    shutil.copytree(shared_root, root)
    make_sweep_results(root)
    make_sensitivity_results(root)
    return root


@pytest.fixture
def results_root(shared_root: Path, tmp_path: Path) -> Path:
    """A private copy of the shared root, which a test may add what-if results to."""
    root = tmp_path / "results"
    shutil.copytree(shared_root, root)
    return root


@pytest.fixture
def start(dash_duo, free_port: int) -> Callable:
    """``start(root)``: serve the dashboard of ``root`` and open it in the browser."""

    def go(root: Path):
        dash_duo.start_server(create_app(root), port=free_port)
        return dash_duo

    return go
