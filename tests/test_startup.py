"""The command line starts without the heavy libraries: `import orgsim.cli` (what `orgsim --help`,
`orgsim policies` and `orgsim validate` pay before running) imports none of them. A behaviour
test in a fresh process, not a timing test (the times are in benchmarks/bench_startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "mesa", "plotly", "dash", "scipy", "sklearn", "distributed")


def imported_after(statement: str) -> list[str]:
    """The HEAVY top-level packages in sys.modules after ``statement``, in a fresh process."""
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cli_import_skips_heavy_libraries():
    assert imported_after("import orgsim.cli") == []


def test_help_policies_and_validate_skip_heavy_libraries():
    """Checking a scenario resolves its rules (their modules and parameters) but draws nobody
    and makes no table: no scipy, no pandas."""
    flagship = str(Path(__file__).parents[1] / "scenarios" / "compare-policies.yaml")
    for args in (["--help"], ["policies"], ["validate", flagship]):
        run = f"from orgsim.cli import app\ntry:\n    app({args!r})\nexcept SystemExit:\n    pass"
        assert imported_after(run) == [], args


def test_orgsim_import_is_cheap_and_orgmodel_still_importable():
    assert imported_after("import orgsim") == []
    loaded = imported_after(
        "import orgsim, orgsim.model\n"
        "from orgsim import OrgModel\n"
        "assert OrgModel is orgsim.model.OrgModel is orgsim.OrgModel"
    )
    assert "mesa" in loaded
