"""The Dash app: ``create_app`` assembles the page and its callbacks; ``serve`` runs it."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import dash
import diskcache

from dashboard import callbacks, callbacks_sweep, components
from dashboard.paths import list_experiments

ASSETS = Path(__file__).parent / "assets"


def create_app(results_root: Path) -> dash.Dash:
    """A Dash app showing the results folders under ``results_root`` (read at each page load)."""
    root = Path(results_root)
    jobs_dir = tempfile.mkdtemp(prefix="orgsim-dashboard-jobs-")  # background jobs' state
    atexit.register(shutil.rmtree, jobs_dir, ignore_errors=True)
    jobs = diskcache.Cache(jobs_dir)
    app = dash.Dash(
        __name__,
        title="orgsim: promotion policies",
        assets_folder=str(ASSETS),
        background_callback_manager=dash.DiskcacheManager(jobs),
    )
    app.layout = lambda: components.page(root, list_experiments(root))
    callbacks.register(app, root)
    callbacks_sweep.register(app, root)
    return app


def serve(
    results_root: Path, host: str = "127.0.0.1", port: int = 8050, debug: bool = False
) -> None:
    """Serve the dashboard on ``host:port`` (local only by default) until interrupted."""
    app = create_app(results_root)
    print(f"orgsim dashboard: http://{host}:{port}/  (results under {Path(results_root)})")
    app.run(host=host, port=port, debug=debug)
