"""The command line starts without the heavy libraries: `import orgsim.cli` (what `orgsim --help`,
`orgsim policies` and `orgsim validate` pay before running) imports none of them. A behaviour
test in a fresh process, not a timing test (the times are in benchmarks/bench_startup.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "mesa", "plotly", "dash", "scipy", "sklearn", "distributed")
#: What a scenario needs, and `orgsim --help` does not.
SCHEMA = ("pydantic", "numpy", "yaml", "orgsim.parameters", "orgsim.scenario")


def imported_after(statement: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``modules`` in sys.modules after ``statement``, in a fresh process."""
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"print(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))"
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


def test_help_and_policies_import_no_schema():
    """`orgsim --help` and `orgsim policies` print text: no numpy or scenario schema, and no
    pydantic for the help (typer itself imports it to run a command)."""
    for args, expected in ((["--help"], []), (["policies"], ["pydantic"])):
        run = f"from orgsim.cli import app\ntry:\n    app({args!r})\nexcept SystemExit:\n    pass"
        assert imported_after(run, SCHEMA) == expected, args
    assert imported_after("import orgsim", SCHEMA) == []


def test_orgsim_import_is_cheap_and_orgmodel_still_importable():
    assert imported_after("import orgsim") == []
    loaded = imported_after(
        "import orgsim, orgsim.model\n"
        "from orgsim import OrgModel\n"
        "assert OrgModel is orgsim.model.OrgModel is orgsim.OrgModel"
    )
    assert "mesa" in loaded
    loaded = imported_after("from orgsim import ModelParams, NAMED_POLICIES", SCHEMA)
    assert {"orgsim.parameters", "pydantic"} <= set(loaded)
