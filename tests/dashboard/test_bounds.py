"""Every what-if bounded: its size, one at a time per server, and its jobs' folders cleaned up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import dash
import psutil
import pytest

from dashboard import create_app, ids, jobs
from dashboard.whatif import LEVERS, preset

NAMES = ["policy", "baseline", *(lv.name for lv in LEVERS)]


def form(**changes: Any) -> dict[str, Any]:
    """The what-if form's values: a tiny quick run with ``changes``."""
    values = {lv.name: lv.default() for lv in LEVERS} | preset("genuine-dual-track")
    base = {"policy": "genuine-dual-track", "baseline": "single-ladder"}
    return base | values | {"size": 50, "years": 1, "replications": 1} | changes


def post(app: dash.Dash, output: str, inputs: list, state: list | None = None) -> Any:
    """POST one callback to the app as the browser does: the callback whose outputs include
    ``output`` ('id.property', else a text in its output spec), with ``inputs`` and
    ``state`` as (id, property, value)."""
    client = app.server.test_client()
    deps = client.get("/_dash-dependencies").get_json()
    specs = [d["output"] for d in deps]
    (spec,) = [s for s in specs if output in s.strip(".").split("...")] or [
        s for s in specs if output in s
    ]
    parts = [p.rsplit(".", 1) for p in spec.strip(".").split("...")]
    outputs = [
        {"id": json.loads(i) if i.startswith("{") else i, "property": p.split("@")[0]}
        for i, p in parts
    ]
    body = {
        "output": spec,
        "outputs": outputs if spec.startswith("..") else outputs[0],
        "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
        "state": [{"id": i, "property": p, "value": v} for i, p, v in state or []],
        "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"],
    }
    return client.post("/_dash-update-component", json=body)


def run_whatif(app: dash.Dash, values: dict[str, Any]) -> Any:
    """Click 'Run what-if' with the form at ``values`` (the request that would start a job)."""
    state = [(ids.lever(n), "value", values[n]) for n in NAMES]
    return post(app, f"{ids.WHATIF_STATUS}.children", [(ids.WHATIF_RUN, "n_clicks", 1)], state)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list:
    """The job processes started (none really is: each start is recorded instead)."""
    calls: list = []

    def record(self, key, job_fn, args, context):
        calls.append(args)
        return os.getpid()

    monkeypatch.setattr(dash.DiskcacheManager, "call_job_fn", record)
    return calls


def status(response: Any) -> str:
    """The what-if status the response puts in the page."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["response"][ids.WHATIF_STATUS]["children"]


@pytest.mark.parametrize(
    ("changes", "bound"),
    [
        ({"size": 10_000_000}, "--max-people"),
        ({"replications": 100_000}, "--max-replications"),
        ({"years": 200}, "--max-years"),
        ({"size": 100_000, "replications": 200, "years": 100}, "--max-employee-months"),
        # a minute's work by default: 2 policies x 10 x 30,000 x 10 years x 12 = 7.2e7 is over
        ({"size": 30_000, "replications": 10, "years": 10}, "--max-employee-months"),
    ],
)
def test_a_whatif_beyond_a_bound_is_refused_before_any_process_starts(
    tmp_path: Path, started: list, changes: dict, bound: str
) -> None:
    app = create_app(tmp_path / "results")
    text = status(run_whatif(app, form(**changes)))
    assert text.startswith("Cannot run this what-if") and bound in text
    assert started == []


def test_the_bounds_are_server_options(tmp_path: Path, started: list) -> None:
    app = create_app(tmp_path, max_people=100, max_replications=3, max_years=2)
    assert "100 people" in status(run_whatif(app, form(size=110)))
    assert "3 per policy" in status(run_whatif(app, form(replications=4)))
    assert "2 years" in status(run_whatif(app, form(years=3)))
    small = create_app(tmp_path, max_employee_months=1_000)
    assert "1,000 employee-months" in status(run_whatif(small, form(size=50)))  # 2x1x50x1x12
    assert started == []
    assert "Cannot" not in str(run_whatif(app, form(size=100)).get_data(as_text=True))
    assert len(started) == 1  # within every bound: the job starts


def test_a_number_outside_its_field_is_refused_naming_the_range(
    tmp_path: Path, started: list
) -> None:
    # The browser sends an empty value for a number outside the field's min and max.
    text = status(run_whatif(create_app(tmp_path, max_people=500), form(size=None)))
    assert "Organisation size" in text and "10 to 500" in text
    assert started == []


def find(node: Any, wanted: dict) -> dict:
    """The props of the component with id ``wanted`` in a layout's JSON."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == wanted:
            return node["props"]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        raise LookupError(wanted)
    for child in children:
        try:
            return find(child, wanted)
        except LookupError:
            continue
    raise LookupError(wanted)


def test_the_inputs_carry_the_server_bounds(tmp_path: Path) -> None:
    app = create_app(tmp_path, max_people=5_000, max_replications=50, max_years=30)
    layout = app.server.test_client().get("/_dash-layout").get_json()
    assert find(layout, ids.lever("size"))["max"] == 5_000
    assert find(layout, ids.lever("size"))["min"] == 10
    assert find(layout, ids.lever("replications"))["max"] == 50
    assert find(layout, ids.lever("years"))["max"] == 30
    text = str(find(layout, ids.TAB_WHATIF))
    assert "one what-if at a time" in text and "5,000 people" in text


def test_a_second_whatif_while_one_runs_waits_its_turn(tmp_path: Path, started: list) -> None:
    app = create_app(tmp_path)
    folder = app.server.extensions["orgsim-jobs"].folder
    with jobs.slot(folder):  # a what-if of this server is running
        response = run_whatif(app, form())
        assert response.status_code == 200 and "Cannot" not in response.get_data(as_text=True)
        assert len(started) == 1  # started: its process waits in line
        timed_out = pytest.raises(jobs.Refused, match="another what-if is running")
        with timed_out, jobs.slot(folder, wait=0.1):  # a job that cannot wait gives way
            pass


def test_waiting_jobs_go_first_come_first_served(tmp_path: Path) -> None:
    folder = Path(jobs.make_folder())
    order, seen = [], {}

    def job(name: str) -> None:
        with jobs.slot(folder, wait=20, on_wait=lambda ahead: seen.setdefault(name, ahead)):
            order.append(name)
            time.sleep(0.1)

    with jobs.slot(folder):  # the running what-if
        first = threading.Thread(target=job, args=("first",))
        first.start()
        time.sleep(0.3)
        second = threading.Thread(target=job, args=("second",))
        second.start()
        time.sleep(0.3)
    first.join(10)
    second.join(10)
    assert order == ["first", "second"]
    assert seen == {"first": 1, "second": 2}  # ahead of it: the running one, then also first
    assert list((folder / jobs.QUEUE).iterdir()) == []  # tickets are gone


def sleeper(*_: Any) -> None:
    time.sleep(30)


def quick(*_: Any) -> None:
    pass


def test_jobs_run_one_at_a_time_are_reaped_and_stopped(tmp_path: Path) -> None:
    manager = jobs.JobManager(Path(jobs.make_folder()), gate=lambda args: None)
    pid = manager.call_job_fn("a", quick, [1], {})
    deadline = time.monotonic() + 10
    while manager.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert manager.running() == []
    assert not psutil.pid_exists(pid)  # reaped: not left as a zombie
    pids = [manager.call_job_fn(k, sleeper, [1], {}) for k in "bcde"]  # 1 running, 3 waiting
    assert len(pids) == 1 + jobs.MAX_WAITING
    with pytest.raises(jobs.Refused, match="already waiting"):
        manager.call_job_fn("f", quick, [1], {})
    manager.close()  # the server stops
    assert not any(psutil.pid_exists(pid) for pid in pids)
    assert not manager.folder.exists()


def dead_pid() -> int:
    """The pid of a process that has finished."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_job_folders_of_dead_servers_are_removed(tmp_path: Path) -> None:
    def folder(name: str, owner: str | None) -> Path:
        path = tmp_path / f"{jobs.PREFIX}{name}"
        path.mkdir()
        if owner is not None:
            (path / jobs.OWNER).write_text(owner)
        return path

    me = os.getpid()
    started = psutil.Process(me).create_time()
    dead = folder(f"pid{dead_pid()}-abc", "1 2")
    reused = folder(f"pid{me}-reused", f"{me} {started - 1000}")  # an earlier owner of my pid
    alive = folder(f"pid{me}-alive", f"{me} {started}")
    starting = folder(f"pid{me}-starting", None)  # owner not yet written
    legacy = folder("x1y2z3", None)  # not named by its owner: left alone
    assert sorted(jobs.remove_stale(tmp_path)) == sorted([dead, reused])
    assert alive.is_dir() and starting.is_dir() and legacy.is_dir()
    assert not dead.exists() and not reused.exists()


SERVE = """
import sys
from dashboard import serve
serve(sys.argv[1], port=int(sys.argv[2]))
"""


def test_the_jobs_folder_goes_when_the_server_stops(tmp_path: Path, free_port: int) -> None:
    env = os.environ | {"TMPDIR": str(tmp_path)}
    root = Path(__file__).parents[2]
    cmd = [sys.executable, "-c", SERVE, str(tmp_path / "results"), str(free_port)]
    server = subprocess.Popen(cmd, env=env, cwd=root, stdout=subprocess.PIPE)
    try:
        assert server.stdout is not None and server.stdout.readline().startswith(b"orgsim")
        (folder,) = tmp_path.glob(f"{jobs.PREFIX}pid{server.pid}-*")
        server.send_signal(signal.SIGTERM)
        server.wait(20)
    finally:
        server.kill()
    assert not folder.exists()


def test_debug_never_turns_on_flasks_debugger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flask

    from dashboard import serve

    calls: list[dict] = []
    monkeypatch.setattr(flask.Flask, "run", lambda self, **kw: calls.append(kw))
    handler = signal.getsignal(signal.SIGTERM)
    try:
        serve(tmp_path, debug=True)
    finally:
        signal.signal(signal.SIGTERM, handler)
    (kw,) = calls
    assert kw["debug"] is False and kw.get("use_debugger") is False
    assert kw.get("use_reloader") is False


@pytest.mark.browser
def test_the_page_shows_the_bounds_and_refuses_beyond_them(
    dash_duo, free_port: int, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    dash_duo.start_server(create_app(tmp_path, max_people=500), port=free_port)
    dash_duo.wait_for_element(f"#{ids.TAB_WHATIF}", timeout=20).click()
    box = dash_duo.find_element('input[id*=\'"name":"size"\']')
    assert box.get_attribute("max") == "500"
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("600", Keys.TAB)
    dash_duo.find_element(f"#{ids.WHATIF_RUN}").click()
    dash_duo.wait_for_contains_text(f"#{ids.WHATIF_STATUS}", "10 to 500", timeout=20)
    assert "Cannot run this what-if" in dash_duo.find_element(f"#{ids.WHATIF_STATUS}").text
    assert not list(tmp_path.glob("whatif-*"))
    assert dash_duo.find_element(f"#{ids.WHATIF_RUN}").is_enabled()
