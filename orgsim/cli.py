"""The ``orgsim`` command line: thin commands over the same functions a Python user calls."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
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

# Pydantic, the scenario schema, Mesa, pandas, scipy, plotly and dash (and the orgsim modules
# importing them) are imported by the commands that use them, so `orgsim --help` starts at once
# and `validate` imports only what loading a scenario needs (tests/test_startup.py).
if TYPE_CHECKING:
    import pandas as pd

    from orgsim.measures import Measure
    from orgsim.scenario import Scenario

app = typer.Typer(
    help="orgsim: compare promotion policies on a simulated organisation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)
#: Errors of bad input or a failed run: a one-paragraph message, not a traceback. Each is looked
#: up only once its module is imported (until then none can have been raised), so catching them
#: imports nothing.
USER_ERRORS = (
    ("orgsim.scenario", "ScenarioError"),
    ("orgsim.policies", "UnknownPolicyError"),
    ("pydantic", "ValidationError"),
    ("orgsim.results", "ResultsError"),
    ("orgsim.rules.resolve", "RuleReferenceError"),
    ("orgsim.experiment", "RunError"),
    ("orgsim.money", "MoneyError"),
)
STATE: dict = {"debug": False, "folder": None}


def loaded_error(module: str, name: str) -> type[Exception] | None:
    """The exception class ``module.name`` if ``module`` is already imported, else None."""
    return getattr(sys.modules.get(module), name, None)


def user_errors() -> tuple[type[Exception], ...]:
    """Those of USER_ERRORS whose module is imported."""
    loaded = (loaded_error(module, name) for module, name in USER_ERRORS)
    return tuple(e for e in loaded if e is not None)


ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
ResultsDir = Annotated[Path, typer.Argument(help="Results folder of an orgsim run.")]


class Format(StrEnum):
    """Output formats of ``summarize``."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    text = "text"


def friendly_errors(command: Callable) -> Callable:
    """Turn an error into a one-paragraph message: exit status 2 for bad input, 1 for a run
    or the system failing (--debug: the traceback)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except user_errors() as exc:
            if STATE["debug"]:
                raise
            text = exc
            if isinstance(exc, loaded_error("pydantic", "ValidationError") or ()):
                from orgsim.scenario import describe_errors

                text = describe_errors(exc, None, "options")
            err.print(f"[bold red]error:[/] {escape(str(text))}", highlight=False, soft_wrap=True)
            run_error = loaded_error("orgsim.experiment", "RunError")
            failed = run_error is not None and isinstance(exc, run_error)
            raise typer.Exit(1 if failed else 2) from None  # failure vs input
        except OSError as exc:  # a read-only folder, a full disk: a failure, not a bug
            if STATE["debug"]:
                raise
            where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
            reason = exc.strerror or exc
            err.print(f"[bold red]error:[/]{escape(where)}: {escape(str(reason))}", highlight=False,
                      soft_wrap=True)  # fmt: skip
            raise typer.Exit(1) from None
        except KeyboardInterrupt as exc:
            discarded = loaded_error("orgsim.experiment", "Discarded")
            said = str(exc) if discarded and isinstance(exc, discarded) else None
            err.print(said or interrupted_message(STATE["folder"]))
            raise typer.Exit(130) from None
        finally:
            STATE["folder"] = None

    return wrapper


def interrupted_message(folder: Path | None) -> str:
    """After Ctrl-C: suggest --resume only when some runs finished."""
    from orgsim.results import ResultsError, finished_runs, read_manifest

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
    from orgsim.results import MANIFEST, ResultsError

    try:
        yield
    except user_errors():
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
    from orgsim.extensions import (
        check_plan,
        check_points,
        check_without_imports,
        scenario_imports,
    )
    from orgsim.fit.errors import FitInputError
    from orgsim.fit.posterior import check_parameters_from
    from orgsim.rules.resolve import RuleReferenceError
    from orgsim.scenario import (
        ScenarioError,
        estimate_run,
        load_scenario,
        sensitivity_estimate,
    )

    failed = 0
    for path in files:
        try:
            scenario = load_scenario(path)
            imports = scenario_imports(scenario)
            if not imports:  # only orgsim's own rules: check their parameters and phases too
                check_plan(scenario)
                check_points(scenario)
            else:  # what can be checked without running the scenario's code
                check_without_imports(scenario)
            try:
                check_parameters_from(scenario)
            except FitInputError as exc:  # it names the posterior file, not the scenario
                raise ScenarioError(f"{path}: {exc}") from None
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
        designed = sensitivity_estimate(scenario)
        if designed:
            out.print(f"  {escape(designed)}", highlight=False, soft_wrap=True)
        for warning in estimate.warnings:
            out.print(f"  [yellow]warning:[/] {escape(warning)}; `orgsim run` will ask for --yes",
                      highlight=False, soft_wrap=True)  # fmt: skip
    if failed:
        raise typer.Exit(2)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from orgsim.scenario import json_schema

    print(json.dumps(json_schema(), indent=2))


@app.command()
def policies() -> None:
    """List the named policies a scenario can build on."""
    from orgsim.policies import POLICY_DESCRIPTIONS

    for name, text in POLICY_DESCRIPTIONS.items():
        out.print(f"[bold]{name}[/]: {text}")


# Options shared by `run` and `sensitivity`, defined once.
Replications = Annotated[int | None, typer.Option(min=1, help="Replications per policy.")]
Years = Annotated[float | None, typer.Option(min=0.1, max=200, help="Simulated years per run.")]
Seed = Annotated[int | None, typer.Option(min=0, help="Root random seed.")]
OutDir = Annotated[Path | None, typer.Option("--out", help="Results folder.")]
Workers = Annotated[int | None, typer.Option(min=1, help="Local worker processes.")]


def _scheduler_address(value: str | None) -> str | None:
    """The --scheduler option, checked before anything runs (a typo would fail inside Dask)."""
    from orgsim.scenario import check_scheduler

    try:
        return value if value is None else check_scheduler(value)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


Scheduler = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.", callback=_scheduler_address
    ),
]
Resume = Annotated[bool, typer.Option(help="Complete an interrupted results folder.")]
Force = Annotated[bool, typer.Option(help="Replace an existing results folder.")]
Yes = Annotated[
    bool, typer.Option("--yes", help="Run even when the estimate is above the size limits.")
]


def check_resume_force(resume: bool, force: bool) -> None:
    """--resume keeps a folder's runs, --force replaces them: never both."""
    from orgsim.results import ResultsError

    if resume and force:
        raise ResultsError(
            "--resume and --force together: choose one (--resume completes the folder, "
            "--force replaces it)"
        )


def check_existing(folder: Path, resume: bool, force: bool) -> None:
    """A complete results folder is not 'resumed' by accident, nor suggested --resume."""
    from orgsim.results import MANIFEST, ResultsError, read_manifest

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
    from orgsim.extensions import scenario_imports
    from orgsim.scenario import ScenarioError, estimate_run

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
    """The scenario file with the run settings given on the command line (the settings the
    file leaves unset stay unset, so a command can tell them from those it sets)."""
    from orgsim.scenario import RunSettings, load_scenario

    scenario = load_scenario(file)
    given = {k: v for k, v in settings.items() if v is not None}
    scenario.run = RunSettings.model_validate(scenario.run.model_dump(exclude_unset=True) | given)
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
    value_after_run(folder)
    print_comparison(comparison(results), results.baseline, results.measures)
    print_verdict(results)
    out.print(f"results: {folder}  (orgsim summarize {folder} | orgsim dashboard)",
              soft_wrap=not out.is_terminal)  # fmt: skip


@app.command()
@friendly_errors
def summarize(
    folder: ResultsDir,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    all_measures: Annotated[
        bool, typer.Option("--all", help="Every measure, not only key ones.")
    ] = False,
) -> None:
    """Per policy and measure: mean at the horizon with 95% CI, and the paired difference.

    Every format gives each measure's label, unit and better direction. csv and json keep
    numbers as numbers (shares as fractions); table, markdown and text print shares as
    percentages and differences as percentage points. text: the plain-language verdict, then
    a plain table."""
    from orgsim.results import load

    with reading_results(folder):
        results = load(folder)
        table = comparison(results, None if all_measures else results.key_measures)
        if format is Format.json:
            print(with_metadata(table, results.measures).to_json(orient="records", indent=2))
        elif format is Format.csv:
            print(with_metadata(table, results.measures).to_csv(index=False), end="")
        elif format is Format.markdown:
            frame = display_frame(table, results.baseline, results.measures)
            print(frame.to_markdown(index=False, disable_numparse=True))
        elif format is Format.text:
            print(text_report(results, table))
        else:
            print_comparison(table, results.baseline, results.measures)


class SensitivityMethod(StrEnum):
    """Global sensitivity methods."""

    morris = "morris"
    sobol = "sobol"


#: Fewer Sobol base samples than this give indices that mean little (a warning, not an error):
#: the default design's size.
SOBOL_FEWEST = 16


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
    policy: Annotated[
        list[str] | None,
        typer.Option(
            help="Policy compared with the baseline; repeat for several (default: every "
            "non-baseline policy)."
        ),
    ] = None,
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
    from orgsim.extensions import scenario_imports
    from orgsim.scenario import SENSITIVITY_SAMPLES
    from orgsim.sensitivity import run_sensitivity

    check_resume_force(resume, force)
    scenario = scenario_with(file, replications=replications, years=years, seed=seed,
                             workers=workers, scheduler=scheduler)  # fmt: skip
    samples = samples or SENSITIVITY_SAMPLES[method.value]
    if method is SensitivityMethod.sobol and samples < SOBOL_FEWEST:
        err.print(f"[yellow]warning:[/] {samples} Sobol base samples give unreliable indices "
                  f"(intervals wider than the indices, values outside 0..1); use --samples "
                  f"{SOBOL_FEWEST} or more", highlight=False, soft_wrap=True)  # fmt: skip
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
    """Indices per compared policy, the share of worlds each wins, and the verdict rules of
    the first, as rich tables."""
    idx = result.indices
    value_cols = [c for c in idx.columns if c not in ("measure", "parameter", "method", "policy")]
    policies = list(dict.fromkeys(result.robustness["policy"]))
    for policy, rows in idx.groupby("policy", sort=False):
        grid = Table(title=f"Sensitivity of {policy} - baseline ({rows['method'].iloc[0]})")
        for col in ["measure", "parameter", *value_cols]:
            grid.add_column(col, justify="left" if col in ("measure", "parameter") else "right")
        for _, r in rows.iterrows():
            grid.add_row(r["measure"], r["parameter"], *[f"{r[c]:.3g}" for c in value_cols])
        out.print(grid)
    rob = Table(title="Share of sampled worlds in which each policy beats the baseline")
    rob.add_column("measure")
    for policy in policies:
        rob.add_column(policy, justify="right")
    share = result.robustness.pivot(index="measure", columns="policy", values="share_better")
    worlds = result.robustness.groupby("policy")["worlds"].first()
    for measure in dict.fromkeys(result.robustness["measure"]):
        rob.add_row(measure, *[f"{share.loc[measure, p]:.0%} of {worlds[p]}" for p in policies])
    out.print(rob)
    for measure, rule in result.rules.items():
        if "\n" in rule:
            out.print(f"[bold]{measure}[/] ({policies[0]}): when the verdict flips\n{rule}")


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


class ReportFormat(StrEnum):
    """Formats of ``report``."""

    html = "html"
    pptx = "pptx"
    pdf = "pdf"


@app.command()
@friendly_errors
def report(
    folder: ResultsDir,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: report.FORMAT).")
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", help="html (self-contained, opens offline), pptx or pdf."),
    ] = ReportFormat.html,
) -> None:
    """Write a report of a results folder: an HTML page, a slide deck or a PDF."""
    out_file = out_file or Path(f"report.{fmt.value}")
    check_report_path(out_file, fmt.value)
    with reading_results(folder):
        if fmt is ReportFormat.html:
            from orgsim.report import write_report

            written = write_report(folder, out_file)
        else:
            from orgsim.results import load
            from orgsim.slides import SlidesError, write_pdf, write_pptx

            write = write_pptx if fmt is ReportFormat.pptx else write_pdf
            try:
                written = write(load(folder), out_file)
            except SlidesError as exc:  # no Chromium, or it failed: a failure, not bad input
                err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
                raise typer.Exit(1) from None
    out.print(f"report: {escape(str(written))}", highlight=False)


def check_report_path(out_file: Path, suffix: str) -> None:
    """Refuse an --out that is a folder, lies in a missing folder or does not end in the
    format's suffix (so a report never overwrites a manifest, a table or a scenario)."""
    if out_file.is_dir():
        raise typer.BadParameter(f"{out_file} is a folder; give a file name", param_hint="--out")
    if not out_file.parent.is_dir():
        raise typer.BadParameter(f"{out_file.parent}: no such folder", param_hint="--out")
    if out_file.suffix.lower() != f".{suffix}":
        raise typer.BadParameter(
            f"{out_file} does not end in .{suffix} (--format {suffix}); a report never "
            "replaces a file of another kind",
            param_hint="--out",
        )


def value_after_run(folder: Path) -> None:
    """Write the money tables of a finished run (its scenario's money section); a failure to
    value never loses the run: it is reported, with how to retry."""
    from orgsim.money import MoneyError, value_folder
    from orgsim.results import ResultsError

    try:
        value_folder(folder)
    except (MoneyError, ResultsError, ValueError, KeyError) as exc:
        if STATE["debug"]:
            raise
        err.print(f"[yellow]warning:[/] no business case written ({escape(str(exc))}); "
                  f"retry with: orgsim value {escape(str(folder))}", highlight=False,
                  soft_wrap=True)  # fmt: skip


@app.command()
@friendly_errors
def value(
    folder: ResultsDir,
    money_file: Annotated[
        Path | None,
        typer.Option("--money", help="YAML file with a money: section (default: the scenario's)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the business case without writing it.")
    ] = False,
) -> None:
    """The business case of stored results: pay bill, replacement, vacancy, ramp-up and
    development costs, value of output, net value against the baseline and NPV, re-valued
    with another money section without re-running anything."""
    from orgsim.money import MoneyError, load_money, value_folder
    from orgsim.scenario import ScenarioError

    try:
        money = load_money(money_file) if money_file is not None else None
    except MoneyError as exc:
        raise ScenarioError(str(exc)) from None
    with reading_results(folder):
        try:
            valuation = value_folder(folder, money, write=not dry_run)
        except MoneyError as exc:  # the money file's values do not fit these results
            where = f"{money_file}: " if money_file is not None else ""
            raise MoneyError(f"{where}{exc}") from None
    print_business_case(valuation)
    if not dry_run:
        out.print(f"written: {escape(str(folder))}/money.parquet, money_summary.parquet, "
                  "money.json", highlight=False, soft_wrap=True)  # fmt: skip


def print_business_case(valuation) -> None:
    """Per policy: each money measure's mean [95% CI] and paired difference from the
    baseline, in the currency with thousands separators; then the payback years."""
    from orgsim.money import format_money, money_interval, money_measures, payback_text

    currency = valuation.money.currency
    meta = money_measures(currency)
    table = valuation.comparison()
    baseline, policies = valuation.baseline, valuation.policies
    grid = Table(title=f"Business case ({currency}): mean per year over the horizon [95% CI]; "
                 "paired difference from the baseline")  # fmt: skip
    grid.add_column("measure", overflow="fold")
    for p in policies:  # amounts fold onto a new line, never cut short
        grid.add_column(escape(p + (" (baseline)" if p == baseline else "")), justify="right",
                        overflow="fold")  # fmt: skip
    for measure, block in table.groupby("measure", sort=False):
        m = meta[measure]
        cells = [f"{m.label}\n[dim]{m.unit}, {m.better} is better[/]"]
        rows = block.set_index("policy")
        for p in policies:
            r = rows.loc[p]
            ci = money_interval(r["ci_low"], r["ci_high"], currency)
            text = f"{format_money(r['mean'], currency)} {ci}"
            if p != baseline:
                diff = money_interval(r["diff_ci_low"], r["diff_ci_high"], currency, sign=True)
                text += f"\n[dim]diff {format_money(r['diff'], currency, sign=True)} {diff}[/]"
            cells.append(text)
        grid.add_row(*cells)
    payback = valuation.payback()
    grid.add_row(
        "Payback year\n[dim]first year the cumulative net value is above 0 in most "
        "replications[/]",
        *[("-" if p == baseline else payback_text(payback[p])) for p in policies],
    )  # fmt: skip
    out.print(grid)


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
    from orgsim.results import compare_points

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
    from orgsim.measures import MEASURES
    from orgsim.results import swept_parameters

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
        grid.add_column(escape(p) + (" (baseline)" if p == baseline else ""), justify="right")
    for measure, block in table.groupby("measure", sort=False):
        m = meta.get(measure)
        label, unit, better = describe(measure, m)
        cells = [f"{escape(label)}\n[dim]{escape(unit)}; {better}[/]"]
        for _, r in block.set_index("policy").loc[policies].reset_index().iterrows():
            cells.append(cell(r, baseline, unit))
        grid.add_row(*cells)
    table_console().print(grid)


#: Wide enough that a table printed to a pipe or file is never wrapped or truncated.
PIPE_WIDTH = 10_000


def table_console() -> Console:
    """The console for tables: the terminal's, or an unbounded one when stdout is not a
    terminal (a pipe or a file), so long labels are neither wrapped nor truncated."""
    return out if out.is_terminal else Console(width=PIPE_WIDTH)


def describe(name: str, m: Measure | None) -> tuple[str, str, str]:
    """A measure's label, unit and direction in words ('higher is better')."""
    if m is None:
        return name, "", "direction unknown"
    better = f"{m.better} is better" if m.better in ("higher", "lower") else "neither is better"
    return m.label, m.unit, better


def with_metadata(table: pd.DataFrame, meta: dict[str, Measure]) -> pd.DataFrame:
    """The comparison with each measure's label, unit and better direction after its name
    (numbers stay numbers: for csv and json)."""
    known = table["measure"].map(meta.get)
    cols = {
        "label": known.map(lambda m: m.label if m else None).fillna(table["measure"]),
        "unit": known.map(lambda m: m.unit if m else ""),
        "better": known.map(lambda m: m.better if m else "neither"),
    }
    at = list(table.columns).index("measure") + 1
    out_table = table.copy()
    for i, (name, values) in enumerate(cols.items()):
        out_table.insert(at + i, name, values)
    return out_table


def number(value) -> str:
    """A swept parameter's value: fixed decimals by magnitude, never scientific notation."""
    from orgsim.overview import fmt

    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return fmt(value, "")


def display_frame(table: pd.DataFrame, baseline: str, meta: dict[str, Measure]) -> pd.DataFrame:
    """The comparison as text cells: a row per measure (per sweep point) with its label, unit
    and direction; per policy the mean [95% CI] and, off the baseline, the paired difference."""
    import pandas as pd

    from orgsim.overview import coverage, diff_text, fmt, interval
    from orgsim.results import swept_parameters

    params = [c for c in swept_parameters(table) if c not in COMPARE_COLUMNS]
    policies = list(dict.fromkeys(table["policy"]))
    rows = []
    keys = ["measure", "point"] if params else ["measure"]
    for _, block in table.groupby(keys, sort=False):
        measure = block["measure"].iloc[0]
        label, unit, better = describe(measure, meta.get(measure))
        row = {"Measure": label, "Unit": unit, "Better": better}
        row |= {p: number(block[p].iloc[0]) for p in params}
        by_policy = block.set_index("policy")
        for p in policies:
            r = by_policy.loc[p]
            ci = interval(r["ci_low"], r["ci_high"], unit, False, r["mean"])
            row[f"{p} mean [95% CI]"] = f"{fmt(r['mean'], unit)} {ci}{coverage(_Row(r))}"
            if p != baseline:
                row[f"{p} vs {baseline} [95% CI]"] = diff_text(_Row(r), unit)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if params:  # a measure's points together, measures in their order
        order = {m: i for i, m in enumerate(dict.fromkeys(table["measure"]))}
        measure_of = table.drop_duplicates(["measure", "point"])["measure"].reset_index(drop=True)
        frame = frame.iloc[measure_of.map(order).argsort(kind="stable")].reset_index(drop=True)
    return frame


class _Row:
    """A comparison row (a Series) read by attribute, as overview.diff_text expects."""

    def __init__(self, row: pd.Series) -> None:
        self.__dict__.update(row.to_dict())


def text_report(results, table: pd.DataFrame) -> str:
    """``summarize --format text``: the verdict, then the comparison as a plain table."""
    from tabulate import tabulate

    from orgsim.verdict import from_results

    frame = display_frame(table, results.baseline, results.measures)
    grid = tabulate(frame, headers="keys", tablefmt="simple", showindex=False,
                    disable_numparse=True)  # fmt: skip
    verdict = from_results(results).text()
    return f"VERDICT\n\n{verdict}\n\nKEY MEASURES\n\n{grid}"


def print_verdict(results) -> None:
    """The plain-language verdict, after the table of ``orgsim run``."""
    from orgsim.verdict import from_results

    out.print("\n[bold]Verdict[/]")
    for paragraph in from_results(results).paragraphs():
        out.print(escape(paragraph), highlight=False, soft_wrap=not out.is_terminal)
        out.print()


def progress_bar() -> Progress:
    """Runs done, elapsed time and an estimate of the time left, on stderr."""
    return Progress(TextColumn("runs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("eta"), TimeRemainingColumn(), console=err)  # fmt: skip


COMPARE_COLUMNS = ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high", "n", "runs")


def cell(row: pd.Series, baseline: str, unit: str = "") -> str:
    """'mean [low, high]' and, off the baseline, the paired difference below it: shares as
    percentages and differences as points, other units to three significant figures."""
    from orgsim.overview import coverage, diff_text, fmt, interval

    ci = interval(row["ci_low"], row["ci_high"], unit, False, row["mean"])
    text = f"{fmt(row['mean'], unit)} {ci}{coverage(_Row(row))}"
    if row["policy"] != baseline:
        text += f"\n[dim]diff {diff_text(_Row(row), unit)}[/]"
    return text


def print_sweep(
    block: pd.DataFrame,
    measure: str,
    params: list[str],
    baseline: str,
    meta: dict[str, Measure] | None = None,
) -> None:
    """One table for a measure: a row per sweep point, a column per policy."""
    from orgsim.measures import MEASURES

    meta = (meta or MEASURES).get(measure)
    label, unit, better = describe(measure, meta)
    title = f"{label} ({unit}; {better})" if meta else measure
    policies = list(dict.fromkeys(block["policy"]))
    grid = Table(title=f"{escape(title)}: mean [95% CI] against the swept parameters")
    short = [p.rpartition(".")[2] for p in params]
    labels = short if len(set(short)) == len(short) else params  # full paths if names clash
    for name in [*labels, *policies]:
        grid.add_column(escape(name), justify="right")
    for _, point in block.groupby("point", sort=True):
        rows = point.set_index("policy").loc[policies].reset_index()
        shown = [escape(number(rows.iloc[0][p])) for p in params]
        grid.add_row(*shown, *[cell(r, baseline, unit) for _, r in rows.iterrows()])
    table_console().print(grid)


from orgsim.cli_fit import fit  # noqa: E402  (`orgsim fit` lives in its own module)

app.command()(friendly_errors(fit))

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
