"""docs/extending.md runs as written.

Every Python block is executed; every YAML block is a scenario that is validated (its rule and
measure references imported and checked) and run briefly, unless it is marked as a fragment
(then it must parse as YAML) or as an expected error; every scenario a command names exists
and validates. HTML comments on the line just before a block say what it is:

- ``<!-- file: NAME -->``: the block is the file NAME. Every file block is written to the
  working folder of each test, so snippets and scenarios can use it (``./my_rules.py:X``,
  ``import my_rules``, ``load_scenario("variants.yaml")``).
- ``<!-- fragment -->``: a YAML fragment, not a whole scenario: it must parse as YAML.
- ``<!-- error: TEXT -->``: a scenario the guide shows being refused: validating it must fail
  with TEXT in the message.
"""

from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from orgsim.events import BUILT_IN, EVENT_KINDS
from orgsim.experiment import run_experiment
from orgsim.extensions import RuleReferenceError, check_extensions
from orgsim.rules import COMPONENTS, DEFAULT_PHASES, REQUIRED, RULES, SLOT_PROTOCOLS
from orgsim.scenario import ScenarioError, load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "extending.md"
LANGUAGES = ("python", "yaml", "bash")
FENCE = re.compile(r"^```(?P<lang>\S*)\n(?P<code>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
COMMENT = re.compile(r"^<!--\s*(?P<body>.*?)\s*-->$")
#: A scenario from the guide runs at most this long (its text is validated as written).
MAX_YEARS, MAX_REPLICATIONS = 2, 2


@dataclass(frozen=True)
class Block:
    """A fenced code block of the guide and what its directive says about it."""

    lang: str
    code: str
    line: int
    fragment: bool = False
    file: str | None = None
    error: str | None = None

    @property
    def id(self) -> str:
        kind = "fragment" if self.fragment else "error" if self.error else self.file or "block"
        return f"{self.lang}-line{self.line}-{kind}"


class DirectiveError(ValueError):
    """An HTML comment before a block that is not one of the known directives."""


def parse_blocks(text: str) -> list[Block]:
    """Every fenced block of ``text``, with the directive on the line just before it."""
    out = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        before = text[: match.start()].rstrip("\n").rpartition("\n")[2].strip()
        comment = COMMENT.match(before)
        kwargs: dict = {}
        if comment:
            body = comment["body"]
            if body == "fragment":
                kwargs["fragment"] = True
            elif body.startswith("file:"):
                kwargs["file"] = body.removeprefix("file:").strip()
            elif body.startswith("error:"):
                kwargs["error"] = body.removeprefix("error:").strip()
            else:
                raise DirectiveError(f"line {line - 1}: unknown directive <!-- {body} -->")
        out.append(Block(match["lang"], match["code"], line, **kwargs))
    return out


TEXT = DOC.read_text(encoding="utf-8")
BLOCKS = parse_blocks(TEXT)
FILES = {b.file: b for b in BLOCKS if b.file}
PYTHON = [b for b in BLOCKS if b.lang == "python"]
YAML = [b for b in BLOCKS if b.lang == "yaml"]
BASH = [b for b in BLOCKS if b.lang == "bash"]


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A folder holding the guide's files, as the current folder and on sys.path.

    The registries of rules and event kinds are process-wide. A snippet sees only the built-in
    event kinds (another test may have registered one of its names differently); afterwards
    both registries are restored, and modules imported from the folder are forgotten.
    """
    for name, block in FILES.items():
        (tmp_path / name).write_text(block.code, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    modules, rules, kinds = set(sys.modules), dict(RULES), dict(EVENT_KINDS)
    for name in set(EVENT_KINDS) - set(BUILT_IN):
        del EVENT_KINDS[name]
    yield tmp_path
    for registry, saved in ((RULES, rules), (EVENT_KINDS, kinds)):
        registry.clear()
        registry.update(saved)
    for name in set(sys.modules) - modules:
        origin = getattr(sys.modules[name], "__file__", None) or ""
        if origin.startswith(str(tmp_path)) or name.startswith("orgsim_user_"):
            del sys.modules[name]


def validate(block: Block, folder: Path):
    """The scenario of a YAML block, parsed and with every reference checked."""
    scenario = parse_scenario(block.code, f"{DOC.name}:{block.line}", base_dir=folder)
    check_extensions(scenario)
    return scenario


# --- the blocks themselves ------------------------------------------------------------------
def test_the_guide_has_blocks_of_every_kind() -> None:
    assert len(PYTHON) >= 15 and len(YAML) >= 10 and BASH
    assert {"my_rules.py", "variants.yaml"} <= set(FILES)


def test_every_block_names_a_known_language() -> None:
    unknown = [(b.line, b.lang) for b in BLOCKS if b.lang not in LANGUAGES]
    assert not unknown, f"blocks without a known language (line, language): {unknown}"


def test_only_yaml_blocks_are_fragments_or_errors() -> None:
    """Every Python block runs whole: none may be skipped as a fragment."""
    assert all(b.lang == "yaml" for b in BLOCKS if b.fragment or b.error)


def test_file_blocks_begin_with_their_name() -> None:
    """Readers see which file a block is from its first line (``# my_rules.py``)."""
    for name, block in FILES.items():
        assert block.code.splitlines()[0] == f"# {name}", f"line {block.line}"


def test_directives_are_read() -> None:
    text = (
        "<!-- fragment -->\n```yaml\na: 1\n```\n\n<!-- file: x.py -->\n```python\npass\n```\n"
        "<!-- error: boom -->\n```yaml\nb: 2\n```\n\n```bash\nls\n```\n"
    )
    frag, file, error, plain = parse_blocks(text)
    assert frag.fragment and frag.code == "a: 1\n" and frag.line == 2
    assert file.file == "x.py" and file.lang == "python"
    assert error.error == "boom" and not error.fragment
    assert (plain.fragment, plain.file, plain.error) == (False, None, None)
    with pytest.raises(DirectiveError, match="unknown directive"):
        parse_blocks("<!-- fragmnet -->\n```yaml\na: 1\n```\n")


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
def test_python_snippet_runs(block: Block, workdir: Path) -> None:
    code = compile(block.code, f"{DOC}:{block.line}", "exec")
    exec(code, {"__name__": f"extending_md_line_{block.line}"})


@pytest.mark.parametrize("block", YAML, ids=lambda b: b.id)
def test_yaml_snippet_is_valid(block: Block, workdir: Path) -> None:
    if block.fragment:
        assert isinstance(yaml.safe_load(block.code), dict | list)
        return
    if block.error:
        with pytest.raises((ScenarioError, RuleReferenceError)) as caught:
            validate(block, workdir)
        assert block.error in str(caught.value)
        return
    scenario = validate(block, workdir)
    scenario.run = scenario.run.model_copy(
        update={
            "years": min(scenario.run.years, MAX_YEARS),
            "replications": min(scenario.run.replications, MAX_REPLICATIONS),
        }
    )
    results = run_experiment(scenario, workdir / "results" / scenario.name, workers=1)
    summary = results.table("summary")
    assert set(summary["policy"]) == set(scenario.policy_names)
    assert summary["value"].notna().any()


# --- commands -------------------------------------------------------------------------------
COMMANDS = [
    shlex.split(line.partition("#")[0])
    for b in BASH
    for line in b.code.splitlines()
    if line.startswith(".venv/bin/orgsim ")
]


def test_commands_use_known_subcommands() -> None:
    from orgsim.cli import app

    known = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert COMMANDS and {cmd[1] for cmd in COMMANDS} <= known


@pytest.mark.parametrize(
    "path",
    sorted({a for cmd in COMMANDS for a in cmd[2:] if a.endswith((".yaml", ".yml"))}),
)
def test_every_scenario_a_command_names_exists_and_validates(path: str) -> None:
    if path in FILES:  # a file block of the guide: validated and run by its YAML test
        assert FILES[path].lang == "yaml"
        return
    check_extensions(load_scenario(ROOT / path))


def test_every_example_has_its_run_command() -> None:
    examples = sorted(p.parent.name for p in (ROOT / "examples").glob("*/scenario.yaml"))
    assert examples == ["glass-ceiling", "mentoring", "peter-principle"]
    for name in examples:
        assert [".venv/bin/orgsim", "run", f"examples/{name}/scenario.yaml"] in COMMANDS, name
        assert f"`examples/{name}`" in TEXT


# --- the guide describes the code as it is ---------------------------------------------------
def section(title: str) -> str:
    """The text of the ``## title`` section."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", TEXT, re.M | re.S)
    assert match, f"no section {title!r}"
    return match[1]


def test_the_phase_order_is_the_models() -> None:
    listed = re.findall(r"\d+\. `([a-z_]+)`", section("Rules and slots"))
    assert listed == list(DEFAULT_PHASES)


def test_the_slot_table_covers_every_component_and_protocol() -> None:
    rows = re.findall(r"^\| (`[a-z_]+`|a [^|]+) \| `(\w+)` \|", section("Rules and slots"), re.M)
    table = {slot.strip("`"): base for slot, base in rows}
    for slot, protocol in SLOT_PROTOCOLS.items():
        assert table.get(slot) == protocol.__name__, slot
    assert set(COMPONENTS) <= set(table)
    assert {"Phase", "PersonRule"} <= set(table.values())


def test_the_slots_that_cannot_be_removed_are_named() -> None:
    text = section("Removing a phase")
    assert all(f"`{slot}`" in text for slot in REQUIRED)
    assert "`acceptance: null`" in text and "accept-all" in text
