"""``orgsim fit``: fit the model to an organisation's own anonymised HR data.

orgsim.cli registers ``fit`` as a command (with its error handling: bad input exits with
status 2). pandas, pandera and pyabc are imported inside the command, so ``orgsim --help``
stays fast.
"""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from orgsim.fit.abc import FitResult
    from orgsim.fit.diagnostics import FitCheck

out = Console()
err = Console(stderr=True)


class FitBudget(StrEnum):
    """How much work the fit may do."""

    small = "small"
    full = "full"


def fit(
    data: Annotated[
        Path | None,
        typer.Argument(help="HR workbook (.xlsx) or folder of CSV files.", show_default=False),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the fit.")] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            help="Write an empty HR workbook (.xlsx; other names: a CSV folder), "
            "with an example row per table, and stop."
        ),
    ] = None,
    budget: Annotated[
        FitBudget, typer.Option(help="small: a quick look; full: the fit for the report.")
    ] = FitBudget.small,
    parameters: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated parameters to fit (default: the four main ones; "
            "docs/fitting.md lists the others)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed: same data + seed, same fit.")] = 0,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Local worker processes (default: all cores).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
    ] = None,
    burn_in: Annotated[
        float, typer.Option(min=1, max=50, help="Years under the present policy before the data.")
    ] = 8.0,  # orgsim.fit.organisation.BURN_IN_YEARS (a test keeps them equal)
    population: Annotated[
        int | None, typer.Option(min=10, help="Particles a generation (overrides the budget).")
    ] = None,
    max_generations: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many generations.")
    ] = None,
    min_acceptance: Annotated[
        float | None, typer.Option(min=0, max=1, help="Stop below this acceptance rate.")
    ] = None,
    max_minutes: Annotated[
        float | None, typer.Option(min=0.1, help="Stop after this wall time (minutes).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Replace a previous fit in --out.")] = False,
) -> None:
    """Fit the model to an organisation's HR data (ABC): writes scenario.yaml (runnable by
    `orgsim run`), posterior.parquet, fit.parquet, fit.json and fit.html in --out."""
    from orgsim.fit.errors import FitInputError

    if template is not None:
        from orgsim.fit.workbook import write_template

        written = write_template(template)
        out.print(
            f"template: {escape(str(written))} (fill it in, then: orgsim fit "
            f"{escape(str(written))} --out my-org/)",
            highlight=False,
        )
        return
    if data is None or out_dir is None:
        raise FitInputError(
            "give the HR data and --out (or --template FILE for an empty "
            "workbook): orgsim fit hr.xlsx --out my-org/"
        )
    from orgsim.fit.abc import FitSettings
    from orgsim.fit.abc import fit as run_fit
    from orgsim.fit.output import check, fit_table, prepare_folder, write_outputs
    from orgsim.fit.report import write_report
    from orgsim.fit.workbook import read_hr_data

    hr = read_hr_data(data)
    chosen = tuple(p.strip() for p in parameters.split(",") if p.strip()) if parameters else None
    settings = FitSettings(
        parameters=chosen,
        budget=budget.value,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        burn_in_years=burn_in,
        population=population,
        generations=max_generations,
        min_acceptance=min_acceptance,
        max_minutes=max_minutes,
    )
    resolved = settings.resolved()
    from orgsim.fit.priors import choose

    choose(chosen)  # a bad --parameters fails before the folder is touched
    prepare_folder(out_dir, force)
    counts = hr.counts()
    out.print(
        f"[bold]{escape(str(data))}[/]: {counts['people']:,} people, {counts['grades']} "
        f"grades; fitting with the {resolved.name} budget ({resolved.population} "
        f"particles, up to {resolved.generations} generations) -> {escape(str(out_dir))}",
        highlight=False,
    )
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        task = bar.add_task("prior sample", total=resolved.population, detail="")

        def progress(t: int, accepted: int, wanted: int, evaluated: int) -> None:
            name = "prior sample" if t < 0 else f"generation {t + 1}/{resolved.generations}"
            bar.update(
                task,
                description=name,
                completed=accepted,
                total=wanted,
                detail=f"{evaluated:,} simulations",
            )

        def stage(text: str) -> None:
            bar.update(task, description=text, completed=0, total=None, detail="")

        def runs(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_fit(hr, settings, out_dir / "abc.db", progress, stage, runs)
    written = write_outputs(result, out_dir, str(data), hr.scale)
    verdict = check(result)
    write_report(result, fit_table(result, hr.scale), verdict, out_dir / "fit.html")
    print_result(result, verdict, time.perf_counter() - started)
    out.print(
        f"written: {escape(str(written['scenario']))}, posterior.parquet, fit.parquet, "
        f"fit.json, fit.html\nnext: orgsim run {escape(str(written['scenario']))}",
        highlight=False,
        soft_wrap=True,
    )


def print_result(result: FitResult, verdict: FitCheck, seconds: float) -> None:
    """The fit in brief: each parameter's posterior, warnings, and the fit check."""
    from rich.table import Table

    from orgsim.fit.diagnostics import parameter_table

    params = parameter_table(result.posterior, result.priors)
    grid = Table(title=f"Posterior ({result.stop_reason}; {seconds:,.0f} s)")
    for col in ("parameter", "prior", "median", "90% interval", "narrowed by"):
        grid.add_column(col, justify="left" if col == "parameter" else "right")
    for r in params.itertuples():
        grid.add_row(
            r.parameter,
            f"{r.prior_low:.3g}-{r.prior_high:.3g}",
            f"{r.median:.3g}",
            f"{r.q05:.3g}-{r.q95:.3g}",
            f"{max(0, 100 * r.shrinkage):.0f}%",
        )
    out.print(grid)
    for warning in params.loc[params["warning"] != "", "warning"]:
        out.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)
    style = "bold red" if verdict.poor else "green"
    out.print(f"[{style}]{escape(verdict.text())}[/]", highlight=False, soft_wrap=True)
