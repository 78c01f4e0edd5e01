"""The ``orgsim`` command line: thin commands over the same functions a Python user calls."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from orgsim.experiment import RunError
from orgsim.extensions import resolve_extensions, scenario_imports
from orgsim.measures import MEASURES, Measure
from orgsim.policies import POLICY_DESCRIPTIONS, UnknownPolicyError
from orgsim.results import (
    MANIFEST,
    ResultsError,
    compare_points,
    finished_runs,
    load,
    read_manifest,
    swept_parameters,
)
from orgsim.rules.resolve import RuleReferenceError
from orgsim.scenario import (
    RunSettings,
    Scenario,
    ScenarioError,
    describe_errors,
    estimate_run,
    json_schema,
    load_scenario,
)

app = typer.Typer(
    help="orgsim: compare promotion policies on a simulated organisation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)
USER_ERRORS = (
    ScenarioError,
    ResultsError,
    UnknownPolicyError,
    ValidationError,
    RuleReferenceError,
    RunError,
)
STATE: dict = {"debug": False, "folder": None}

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
ResultsDir = Annotated[Path, typer.Argument(help="Results folder of an orgsim run.")]


class Format(StrEnum):
    """Output formats of ``summarize``."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


def friendly_errors(command: Callable) -> Callable:
    """Turn an error into a one-paragraph message: exit status 2 for bad input, 1 for a run
    or the system failing (--debug: the traceback)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except USER_ERRORS as exc:
            if STATE["debug"]:
                raise
            text = (
                describe_errors(exc, None, "options") if isinstance(exc, ValidationError) else exc
            )
            err.print(f"[bold red]error:[/] {escape(str(text))}", highlight=False, soft_wrap=True)
            raise typer.Exit(1 if isinstance(exc, RunError) else 2) from None  # failure vs input
        except OSError as exc:  # a read-only folder, a full disk: a failure, not a bug
            if STATE["debug"]:
                raise
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            reason = exc.strerror or exc
            err.print(f"[bold red]error:[/]{escape(where)}: {escape(str(reason))}", highlight=False,
                      soft_wrap=True)  # fmt: skip
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print(interrupted_message(STATE["folder"]))
            raise typer.Exit(130) from None
        finally:
            STATE["folder"] = None

    return wrapper


def interrupted_message(folder: Path | None) -> str:
    """After Ctrl-C: suggest --resume only when some runs finished."""
    if folder is None or not folder.is_dir():
        return "interrupted: nothing was written"
    done = len(finished_runs(folder))
    with contextlib.suppress(ResultsError, KeyError, TypeError, AttributeError, OSError):
        runs = read_manifest(folder).get("runs", {})
        done = max(done, sum(v == "done" for v in runs.values()))
    if done:
        return (
            f"interrupted: {done} finished run(s) are kept in {folder}; complete them with --resume"
        )
    return f"interrupted before any run finished; nothing to resume in {folder}"


@contextlib.contextmanager
def reading_results(folder: Path) -> Iterator[None]:
    """A manifest or table with wrong types becomes one 'corrupt results folder' message."""
    try:
        yield
    except USER_ERRORS:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        if STATE["debug"]:
            raise
        raise ResultsError(
            f"{folder / MANIFEST}: corrupt results folder ({type(exc).__name__}: {exc}); "
            "run the experiment again with --force"
        ) from None


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
) -> None:
    """orgsim: compare promotion policies on a simulated organisation."""
    STATE["debug"] = debug


@app.command()
@friendly_errors
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")]) -> None:
    """Check scenario files; every problem is reported with its file, line and field.

    Runs no code a scenario names: rule, measure and stop references are checked on disk
    (the file exists and defines the name; the module can be found), and the files and
    modules a run would import are listed. Prints an estimate of the run's cost."""
    failed = 0
    for path in files:
        try:
            scenario = load_scenario(path)
            imports = scenario_imports(scenario)
            if not imports:  # only orgsim's own rules: check their parameters too
                for spec in scenario.policies:
                    resolve_extensions(scenario, spec.name)
        except (ScenarioError, RuleReferenceError) as exc:
            failed += 1
            text = str(exc) if isinstance(exc, ScenarioError) else f"{path}: {exc}"
            err.print(f"[bold red]invalid:[/] {escape(text)}", highlight=False, soft_wrap=True)
            continue
        estimate = estimate_run(scenario)
        out.print(f"[green]ok:[/] {escape(str(path))} ({len(scenario.policies)} policies)",
                  highlight=False, soft_wrap=True)  # fmt: skip
        for item in imports:
            out.print(f"  a run would import (and run) {escape(item)}", highlight=False,
                      soft_wrap=True)  # fmt: skip
        out.print(f"  {escape(estimate.describe())}", highlight=False, soft_wrap=True)
        for warning in estimate.warnings:
            out.print(f"  [yellow]warning:[/] {escape(warning)}; `orgsim run` will ask for --yes",
                      highlight=False, soft_wrap=True)  # fmt: skip
    if failed:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    print(json.dumps(json_schema(), indent=2))


@app.command()
def policies() -> None:
    """List the named policies a scenario can build on."""
    for name, text in POLICY_DESCRIPTIONS.items():
        out.print(f"[bold]{name}[/]: {text}")


# Options shared by `run` and `sensitivity`, defined once.
Replications = Annotated[int | None, typer.Option(min=1, help="Replications per policy.")]
Years = Annotated[float | None, typer.Option(min=0.1, max=200, help="Simulated years per run.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Root random seed.")]
OutDir = Annotated[Path | None, typer.Option("--out", help="Results folder.")]
Workers = Annotated[int | None, typer.Option(min=1, help="Local worker processes.")]
Scheduler = Annotated[
    str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
]
Resume = Annotated[bool, typer.Option(help="Complete an interrupted results folder.")]
Force = Annotated[bool, typer.Option(help="Replace an existing results folder.")]
Yes = Annotated[
    bool, typer.Option("--yes", help="Run even when the estimate is above the size limits.")
]


def check_resume_force(resume: bool, force: bool) -> None:
    """--resume keeps a folder's runs, --force replaces them: never both."""
    if resume and force:
        raise ResultsError(
            "--resume and --force together: choose one (--resume completes the folder, "
            "--force replaces it)"
        )


def check_existing(folder: Path, resume: bool, force: bool) -> None:
    """A complete results folder is not 'resumed' by accident, nor suggested --resume."""
    if resume or force or not (folder / MANIFEST).is_file():
        return
    status = None
    with contextlib.suppress(ResultsError, OSError, AttributeError):
        status = read_manifest(folder).get("status")
    if status == "complete":
        raise ResultsError(
            f"{folder}: complete results exist; use --force to replace them, or a new --out"
        )


def announce(scenario: Scenario, yes: bool) -> None:
    """Before a run: the files and modules it imports, and its estimated cost (stderr);
    refuse a run beyond the size limits without --yes."""
    for item in scenario_imports(scenario):
        err.print(f"imports (runs the code of) {escape(item)}", highlight=False, soft_wrap=True)
    estimate = estimate_run(scenario)
    err.print(escape(estimate.describe()), highlight=False, soft_wrap=True)
    if estimate.warnings and not yes:
        raise ScenarioError(
            f"too big to start without confirmation: {'; '.join(estimate.warnings)}. "
            "Add --yes to run it anyway"
        )


def scenario_with(file: Path, **settings) -> Scenario:
    """The scenario file with the run settings given on the command line."""
    scenario = load_scenario(file)
    given = {k: v for k, v in settings.items() if v is not None}
    scenario.run = RunSettings.model_validate(scenario.run.model_dump() | given)
    return scenario


@app.command()
@friendly_errors
def run(
    file: ScenarioFile,
    replications: Replications = None,
    years: Years = None,
    seed: Seed = None,
    out_dir: OutDir = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    resume: Resume = False,
    force: Force = False,
    yes: Yes = False,
) -> None:
    """Run every policy x replication of a scenario and print the comparison.

    A scenario naming rules, measures or stop conditions in Python files or modules runs
    that code, like a Python script: the files and modules are listed before the run."""
    from orgsim.experiment import run_experiment

    check_resume_force(resume, force)
    scenario = scenario_with(file, replications=replications, years=years, seed=seed,
                             workers=workers, scheduler=scheduler)  # fmt: skip
    folder = out_dir or Path(scenario.run.output or f"results/{scenario.name}")
    check_existing(folder, resume, force)
    announce(scenario, yes)
    runs = f"{len(scenario.policies)} policies x {scenario.run.replications} replications"
    runs += f" x {scenario.sweep_size():,} sweep points" if scenario.sweep else ""
    out.print(f"[bold]{escape(scenario.name)}[/]: {runs}, {scenario.run.years:g} years -> "
              f"{escape(str(folder))}")  # fmt: skip
    STATE["folder"] = folder
    with progress_bar() as bar:
        task = bar.add_task("runs", total=None)
        results = run_experiment(
            scenario, folder, scenario.run.workers, resume, force,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    print_comparison(comparison(results), results.baseline, results.measures)
    out.print(f"results: {folder}  (orgsim summarize {folder} | orgsim dashboard)")


@app.command()
@friendly_errors
def summarize(
    folder: ResultsDir,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    all_measures: Annotated[
        bool, typer.Option("--all", help="Every measure, not only key ones.")
    ] = False,
) -> None:
    """Per policy and measure: mean at the horizon with 95% CI, and the paired difference."""
    with reading_results(folder):
        results = load(folder)
        table = comparison(results, None if all_measures else results.key_measures)
        if format is Format.json:
            print(table.to_json(orient="records", indent=2))
        elif format is Format.csv:
            print(table.to_csv(index=False), end="")
        elif format is Format.markdown:
            print(table.to_markdown(index=False, floatfmt=".4g"))
        else:
            print_comparison(table, results.baseline, results.measures)


class SensitivityMethod(StrEnum):
    """Global sensitivity methods."""

    morris = "morris"
    sobol = "sobol"


@app.command()
@friendly_errors
def sensitivity(
    file: ScenarioFile,
    method: Annotated[
        SensitivityMethod, typer.Option(help="Morris screening or Sobol indices.")
    ] = SensitivityMethod.morris,
    samples: Annotated[
        int | None,
        typer.Option(min=2, help="Morris trajectories (default 10) / Sobol base samples (16)."),
    ] = None,
    policy: Annotated[str | None, typer.Option(help="Policy compared with the baseline.")] = None,
    replications: Replications = None,
    years: Years = None,
    seed: Seed = None,
    out_dir: OutDir = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    resume: Resume = False,
    force: Force = False,
) -> None:
    """How robust is a policy's advantage? Sensitivity indices over the scenario's
    uncertainties, the share of worlds where the policy wins, and what flips the verdict."""
    from orgsim.sensitivity import run_sensitivity

    check_resume_force(resume, force)
    scenario = scenario_with(file, replications=replications, years=years, seed=seed,
                             workers=workers, scheduler=scheduler)  # fmt: skip
    samples = samples or (10 if method is SensitivityMethod.morris else 16)
    folder = out_dir or Path(f"results/{scenario.name}-{method.value}")
    for item in scenario_imports(scenario):
        err.print(f"imports (runs the code of) {escape(item)}", highlight=False, soft_wrap=True)
    STATE["folder"] = folder
    with progress_bar() as bar:
        task = bar.add_task("runs", total=None)
        result = run_sensitivity(
            scenario, folder, policy, method.value, samples, scenario.run.workers, force, resume,
            lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    print_sensitivity(result)
    out.print(f"saved: {folder}/sensitivity.parquet, robustness.parquet, rules.json")


def print_sensitivity(result) -> None:
    """Indices, the share of worlds won, and the verdict rules, as rich tables."""
    idx = result.indices
    value_cols = [c for c in idx.columns if c not in ("measure", "parameter", "method", "policy")]
    grid = Table(
        title=f"Sensitivity of {idx['policy'].iloc[0]} - baseline ({idx['method'].iloc[0]})"
    )
    for col in ["measure", "parameter", *value_cols]:
        grid.add_column(col, justify="left" if col in ("measure", "parameter") else "right")
    for _, r in idx.iterrows():
        grid.add_row(r["measure"], r["parameter"], *[f"{r[c]:.3g}" for c in value_cols])
    out.print(grid)
    rob = Table(title="Share of sampled worlds in which the policy beats the baseline")
    rob.add_column("measure")
    rob.add_column("share better", justify="right")
    for _, r in result.robustness.iterrows():
        rob.add_row(r["measure"], f"{r['share_better']:.0%} of {r['worlds']}")
    out.print(rob)
    for measure, rule in result.rules.items():
        if "\n" in rule:
            out.print(f"[bold]{measure}[/]: when the verdict flips\n{rule}")


@app.command()
def dashboard(
    results_root: Annotated[
        Path, typer.Argument(help="Folder whose results folders are shown.")
    ] = Path("results"),
    host: Annotated[str, typer.Option(help="Address to bind (127.0.0.1: this machine only).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8050,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="Dash dev tools (errors shown in the page): for development on this machine "
            "only; never Flask's debugger. `orgsim --debug` does not turn it on.",
        ),
    ] = False,
    max_people: Annotated[
        int | None, typer.Option(min=10, help="Largest organisation a what-if may simulate.")
    ] = None,
    max_replications: Annotated[
        int | None, typer.Option(min=1, help="Most replications per policy of a what-if.")
    ] = None,
    max_years: Annotated[float | None, typer.Option(min=1, help="Longest what-if, years.")] = None,
    max_employee_months: Annotated[
        int | None,
        typer.Option(min=1, help="Largest what-if: policies x replications x people x years x 12."),
    ] = None,
) -> None:
    """Serve the dashboard of the results under RESULTS_ROOT (and the what-if panel). The
    what-if's bounds (the page states them) keep their defaults unless given."""
    from dashboard import serve

    given = {"max_people": max_people, "max_replications": max_replications,
             "max_years": max_years, "max_employee_months": max_employee_months}  # fmt: skip
    limits = {k: v for k, v in given.items() if v is not None}
    serve(results_root, host=host, port=port, debug=debug, **limits)  # not STATE["debug"]


@app.command()
@friendly_errors
def report(
    folder: ResultsDir,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path(
        "report.html"
    ),
) -> None:
    """Write a self-contained HTML report of a results folder (opens offline)."""
    from orgsim.report import write_report

    with reading_results(folder):
        written = write_report(folder, out_file)
    out.print(f"report: {escape(str(written))}", highlight=False)


@app.command()
def calibrate(
    replications: Annotated[int, typer.Option(min=2, help="Replications per policy.")] = 10,
) -> None:
    """Print each published target beside the model's value under default settings."""
    from orgsim.calibration import print_calibration

    print_calibration(replications)


def comparison(results, measures: tuple[str, ...] | None = ()) -> pd.DataFrame:
    """The comparison table of a results folder, for the chosen measures (default: the key
    measures; None: all)."""
    measures = results.key_measures if measures == () else measures
    summary = results.table("summary")
    if measures is not None:
        summary = summary[summary["measure"].isin(measures)]
    return compare_points(summary, results.baseline, results.policies)


def print_comparison(
    table: pd.DataFrame, baseline: str, meta: dict[str, Measure] | None = None
) -> None:
    """Render the comparison as rich tables: one row per measure (per sweep point), one
    column per policy."""
    params = [c for c in swept_parameters(table) if c not in COMPARE_COLUMNS]
    if params:
        for measure, block in table.groupby("measure", sort=False):
            print_sweep(block, measure, params, baseline, meta)
        return
    meta = meta or MEASURES
    policies = list(dict.fromkeys(table["policy"]))
    grid = Table(title="Mean at the horizon [95% CI]; paired difference from the baseline")
    grid.add_column("measure")
    for p in policies:
        grid.add_column(p + (" (baseline)" if p == baseline else ""), justify="right")
    for measure, block in table.groupby("measure", sort=False):
        m = meta.get(measure)
        cells = [f"{m.label if m else measure}\n[dim]{m.unit if m else ''}[/]"]
        for _, r in block.set_index("policy").loc[policies].reset_index().iterrows():
            cells.append(cell(r, baseline))
        grid.add_row(*cells)
    out.print(grid)


def progress_bar() -> Progress:
    """Runs done, elapsed time and an estimate of the time left, on stderr."""
    return Progress(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn(), console=err)  # fmt: skip


COMPARE_COLUMNS = ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high")


def cell(row: pd.Series, baseline: str) -> str:
    """'mean [low, high]' and, off the baseline, the paired difference below it."""
    text = f"{row['mean']:.3g} [{row['ci_low']:.3g}, {row['ci_high']:.3g}]"
    if row["policy"] != baseline:
        diff = f"{row['diff']:+.3g} [{row['diff_ci_low']:+.3g}, {row['diff_ci_high']:+.3g}]"
        text += f"\n[dim]diff {diff}[/]"
    return text


def print_sweep(
    block: pd.DataFrame,
    measure: str,
    params: list[str],
    baseline: str,
    meta: dict[str, Measure] | None = None,
) -> None:
    """One table for a measure: a row per sweep point, a column per policy."""
    meta = (meta or MEASURES).get(measure)
    title = f"{meta.label} ({meta.unit})" if meta else measure
    policies = list(dict.fromkeys(block["policy"]))
    grid = Table(title=f"{title}: mean [95% CI] against the swept parameters")
    short = [p.rpartition(".")[2] for p in params]
    labels = short if len(set(short)) == len(short) else params  # full paths if names clash
    for name in [*labels, *policies]:
        grid.add_column(escape(name), justify="right")
    for _, point in block.groupby("point", sort=True):
        rows = point.set_index("policy").loc[policies].reset_index()
        values = [rows.iloc[0][p] for p in params]
        shown = [f"{v:.4g}" if isinstance(v, int | float) else escape(str(v)) for v in values]
        grid.add_row(*shown, *[cell(r, baseline) for _, r in rows.iterrows()])
    out.print(grid)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
