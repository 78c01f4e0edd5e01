"""Wall time of `orgsim fit` on examples/acme: the four main parameters with the full budget
(the issue's bound: under 10 minutes on 2 cores) and, for reference, the small budget.

    .venv/bin/python benchmarks/bench_fit.py            # full, then small
    .venv/bin/python benchmarks/bench_fit.py small      # one of them
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from orgsim.fit.abc import FitSettings, fit
from orgsim.fit.diagnostics import parameter_table
from orgsim.fit.output import check
from orgsim.fit.workbook import read_hr_data

ACME = Path(__file__).parents[1] / "examples" / "acme"
LIMIT_S = {"full": 600.0, "small": None}


def bench(budget: str, workers: int = 2) -> dict:
    """Fit acme with ``budget`` on ``workers`` processes; the time, generations, simulations,
    each parameter's posterior against the truth, and the fit check."""
    truth = json.loads((ACME / "truth.json").read_text())["parameters"]
    data = read_hr_data(ACME / "hr.xlsx")
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = fit(data, FitSettings(budget=budget, workers=workers), Path(tmp) / "abc.db")
        seconds = time.perf_counter() - t0
    table = parameter_table(result.posterior, result.priors).set_index("parameter")
    out = {
        "budget": budget,
        "workers": workers,
        "seconds": round(seconds, 1),
        "load_before": round(load, 2),
        "generations": len(result.generations),
        "simulations": int(result.generations["evaluations"].sum()),
        "stop": result.stop_reason,
        "check_p": round(check(result).p_value, 3),
        "parameters": {
            p: {"truth": v, "median": round(table.loc[p, "median"], 4),
                "q05": round(table.loc[p, "q05"], 4), "q95": round(table.loc[p, "q95"], 4),
                "narrowed": round(table.loc[p, "shrinkage"], 2)}
            for p, v in truth.items()
        },
    }  # fmt: skip
    limit = LIMIT_S[budget]
    verdict = "" if limit is None else (" (met)" if seconds < limit else " (NOT met)")
    print(f"{budget}: {seconds:.0f} s on {workers} workers{verdict}")
    print(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    for name in sys.argv[1:] or ["full", "small"]:
        bench(name)
