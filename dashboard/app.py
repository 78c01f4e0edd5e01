"""The Dash app: ``create_app`` assembles the page and its callbacks; ``serve`` runs it."""

from __future__ import annotations

import logging
import signal
from pathlib import Path

import dash

from dashboard import callbacks, callbacks_money, callbacks_sweep, components, jobs
from dashboard.paths import list_experiments
from dashboard.whatif import Limits

ASSETS = Path(__file__).parent / "assets"
LOG = logging.getLogger(__name__)
DEFAULT_LIMITS = Limits()


def layout(root: Path, limits: Limits) -> object:
    """The page at each load; a results root that cannot be listed is said so on the page."""
    try:
        return components.page(root, list_experiments(root), limits)
    except Exception as err:  # the page must load, whatever the root holds
        LOG.error("listing %s failed", root, exc_info=err)
        message = f"Could not list the results under {root}: {callbacks.short(err)}"
        return components.page(root, [], limits, error=message)


def create_app(
    results_root: Path,
    *,
    max_people: int = DEFAULT_LIMITS.people,
    max_replications: int = DEFAULT_LIMITS.replications,
    max_years: float = DEFAULT_LIMITS.years,
    max_employee_months: int = DEFAULT_LIMITS.employee_months,
) -> dash.Dash:
    """A Dash app showing the results folders under ``results_root`` (read at each page load).

    One what-if at a time runs, within the bounds given (organisation size, replications per
    policy, years, and policies x replications x people x years x 12 employee-months); a
    request beyond them is refused before any process starts. The jobs' temporary folder is
    removed when the process exits (and those of servers that are gone, now). Nothing here
    turns on Flask's debugger.
    """
    root = Path(results_root)
    limits = Limits(max_people, max_replications, max_years, max_employee_months)
    folder = jobs.make_folder()
    manager = jobs.JobManager(folder, callbacks.whatif_gate(limits))
    app = dash.Dash(
        __name__,
        title="orgsim: promotion policies",
        assets_folder=str(ASSETS),
        background_callback_manager=manager,
        on_error=callbacks.page_error,
    )
    app.server.extensions["orgsim-jobs"] = manager  # for tests and a server's shutdown
    app.layout = lambda: layout(root, limits)
    callbacks.register(app, root, limits, folder)
    callbacks_sweep.register(app, root)
    callbacks_money.register(app, root)
    return app


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)  # so that the jobs are stopped and their folder removed (atexit)


def serve(
    results_root: Path,
    host: str = "127.0.0.1",
    port: int = 8050,
    debug: bool = False,
    **limits: float,
) -> None:
    """Serve the dashboard on ``host:port`` (local only by default) until interrupted, with a
    production WSGI server (waitress).

    ``debug`` serves with Dash's development server and its dev tools (errors and callback
    graph in the page), never Flask's interactive debugger nor the reloader. ``limits``:
    create_app's ``max_...`` bounds.
    """
    app = create_app(results_root, **limits)
    signal.signal(signal.SIGTERM, _stop)
    print(f"orgsim dashboard: http://{host}:{port}/  (results under {Path(results_root)})",
          flush=True)  # fmt: skip
    if not debug:
        import waitress

        waitress.serve(app.server, host=host, port=port, threads=8, _quiet=True)
        return
    app.run(
        host=host,
        port=port,
        debug=False,  # Flask's debug mode: its debugger runs any code a visitor sends
        use_debugger=False,
        use_reloader=False,
        dev_tools_ui=True,
        dev_tools_props_check=True,
        dev_tools_prune_errors=True,
    )
