"""Resolving rule and measure references: registered names and import paths, in one place.

A reference is a registered name (``"leaving"``), a module path (``"mypkg.rules:MyLeaving"``)
or a file path relative to the scenario (``"./mentoring.py:Mentoring"``). Only the CLI and the
Python API resolve references; reading a scenario or a results folder never imports code.
"""

from __future__ import annotations

import ast
import difflib
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orgsim.rules.base import RULES, SLOT_PROTOCOLS, Phase, Rule, undefined_methods


class RuleReferenceError(ValueError):
    """A rule or measure reference that cannot be used; the message names the scenario field."""


def import_object(ref: str, field: str, base_dir: Path | None = None) -> Any:
    """The object a ``module:Name`` or ``file.py:Name`` reference points to."""
    if ":" not in ref:
        raise RuleReferenceError(
            f"{field}: {ref!r} is neither a registered rule ({', '.join(sorted(RULES))}) "
            "nor an import path of the form 'package.module:Name' or './file.py:Name'"
        )
    module_ref, _, name = ref.rpartition(":")
    module = _import_module(module_ref, field, base_dir)
    try:
        return getattr(module, name)
    except AttributeError:
        raise RuleReferenceError(f"{field}: module {module_ref!r} has no {name!r}") from None


def _import_module(module_ref: str, field: str, base_dir: Path | None) -> Any:
    if module_ref.endswith(".py"):
        path = Path(module_ref)
        path = (base_dir / path if base_dir and not path.is_absolute() else path).resolve()
        if not path.is_file():
            raise RuleReferenceError(f"{field}: no such file {path}")
        name = f"orgsim_user_{path.stem}_{abs(hash(str(path)))}"
        if name in sys.modules:
            return sys.modules[name]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except KeyboardInterrupt:
            del sys.modules[name]
            raise
        except BaseException as err:  # SystemExit too: a module must not end the run silently
            del sys.modules[name]
            raise RuleReferenceError(f"{field}: importing {path} failed: {err!r}") from None
        return module
    try:
        return importlib.import_module(module_ref)
    except ImportError as err:
        raise RuleReferenceError(f"{field}: cannot import module {module_ref!r} ({err})") from None
    except KeyboardInterrupt:
        raise
    except BaseException as err:
        raise RuleReferenceError(f"{field}: importing {module_ref!r} failed: {err!r}") from None


# --- checking a reference without running any of its code ----------------------------------
def check_reference(ref: str, field: str, base_dir: Path | None = None) -> str | None:
    """Check a 'package.module:Name' or 'file.py:Name' reference WITHOUT importing it: the
    file exists and defines Name at its top level (read from its syntax tree), or the module
    can be found. Returns what a run would import (a file or module), None for a module that
    is already loaded; raises RuleReferenceError naming ``field``."""
    module_ref, _, name = ref.rpartition(":")
    if not module_ref or not name.isidentifier():
        raise RuleReferenceError(
            f"{field}: {ref!r} is not an import path of the form 'package.module:Name' or "
            "'./file.py:Name'"
        )
    if module_ref.endswith(".py"):
        path = Path(module_ref)
        path = (base_dir / path if base_dir and not path.is_absolute() else path).resolve()
        if not path.is_file():
            raise RuleReferenceError(f"{field}: no such file {path}")
        _check_defined(path, name, field)
        return f"file {path} ({field})"
    if module_ref in sys.modules:  # already imported (orgsim's own modules): nothing new runs
        if not hasattr(sys.modules[module_ref], name):
            raise RuleReferenceError(f"{field}: module {module_ref!r} has no {name!r}")
        return None
    parts = module_ref.split(".")
    if not all(p.isidentifier() for p in parts):
        raise RuleReferenceError(f"{field}: {module_ref!r} is not a module name")
    try:
        spec = importlib.util.find_spec(parts[0])  # a top-level name: imports nothing
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise RuleReferenceError(f"{field}: cannot find module {parts[0]!r} (is it installed?)")
    origin = spec.origin if len(parts) == 1 else None
    locations = list(spec.submodule_search_locations or [])
    for i, part in enumerate(parts[1:], start=2):
        found = _find_submodule(locations, part)
        if found is None:
            if not locations:
                raise RuleReferenceError(f"{field}: {'.'.join(parts[: i - 1])!r} is not a package")
            raise RuleReferenceError(f"{field}: cannot find module {'.'.join(parts[:i])!r}")
        origin, locations = found
    parents = [".".join(parts[:k]) for k in range(1, len(parts))]  # their __init__ runs too
    also = f"; first the __init__ of {', '.join(parents)}" if parents else ""
    if origin and origin.endswith(".py") and Path(origin).is_file():
        _check_defined(Path(origin), name, field)
        return f"module {module_ref} ({origin}{also}; {field})"
    return f"module {module_ref} (found; not checked further without running it{also}; {field})"


def _find_submodule(locations: list[str], name: str) -> tuple[str | None, list[str]] | None:
    """The file and search locations of submodule ``name`` of a package, found on disk."""
    for loc in locations:
        folder = Path(loc)
        if (folder / name / "__init__.py").is_file():
            return str(folder / name / "__init__.py"), [str(folder / name)]
        if (folder / f"{name}.py").is_file():
            return str(folder / f"{name}.py"), []
        if (folder / name).is_dir():  # a namespace package
            return None, [str(folder / name)]
        if any(folder.glob(f"{name}.*.so")) or any(folder.glob(f"{name}.*.pyd")):
            return None, []  # a compiled module: found, not readable
    return None


def _check_defined(path: Path, name: str, field: str) -> None:
    """``name`` is defined at the top level of the Python file ``path`` (by its syntax tree)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except SyntaxError as err:
        raise RuleReferenceError(
            f"{field}: {path} line {err.lineno}: syntax error ({err.msg})"
        ) from None
    except (OSError, ValueError, RecursionError, MemoryError) as err:
        raise RuleReferenceError(f"{field}: cannot read {path} ({err})") from None
    names, dynamic = _top_level_names(tree.body)
    if name in names or dynamic:
        return
    close = difflib.get_close_matches(name, sorted(names), n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise RuleReferenceError(f"{field}: {path} defines no {name!r} at its top level{hint}")


def _top_level_names(body: list[ast.stmt]) -> tuple[set[str], bool]:
    """Names a module body defines (classes, functions, assignments, imports), and whether it
    may define others at run time (``from x import *``, a module ``__getattr__``)."""
    names: set[str] = set()
    dynamic = False
    for node in body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
            dynamic |= node.name == "__getattr__"
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                dynamic |= alias.name == "*"
                names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, ast.If | ast.Try | ast.With | ast.For | ast.While):
            blocks = [getattr(node, k, []) for k in ("body", "orelse", "finalbody")]
            blocks += [h.body for h in getattr(node, "handlers", [])]
            for block in blocks:
                more, dyn = _top_level_names(block)
                names |= more
                dynamic |= dyn
    return names, dynamic


def check_rule_reference(ref: str, field: str) -> str | None:
    """A rule reference checked without running code: a registered name, or as
    ``check_reference``."""
    if ":" in ref:
        return check_reference(ref, field)
    if ref not in RULES:
        close = difflib.get_close_matches(ref, RULES, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise RuleReferenceError(
            f"{field}: unknown rule {ref!r}{hint} (registered: {', '.join(sorted(RULES))}; "
            "or an import path 'package.module:Name' or './file.py:Name')"
        )
    return None


def resolve_rule(
    ref: Any,
    slot: str,
    field: str,
    model_params: Any = None,
    params: dict[str, Any] | None = None,
    base_dir: Path | None = None,
) -> Rule:
    """The one place a rule reference becomes a rule: an instance, a Rule class, a registered
    name, 'package.module:Name' or './file.py:Name', given ``params`` (checked by the rule's
    own schema, on top of its scenario section's values). Raises RuleReferenceError naming
    ``field``."""
    if isinstance(ref, str):
        if ":" in ref:
            ref = import_object(ref, field, base_dir)
        elif ref in RULES:
            ref = RULES[ref]
        else:
            close = difflib.get_close_matches(ref, RULES, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise RuleReferenceError(
                f"{field}: unknown rule {ref!r}{hint} (registered: {', '.join(sorted(RULES))}; "
                "or an import path 'package.module:Name' or './file.py:Name')"
            )
    if isinstance(ref, type) and issubclass(ref, Rule):
        ref = _instantiate(ref, field, model_params, params or {})
    elif params:
        raise RuleReferenceError(f"{field}.params: {ref!r} is already a rule object")
    protocol = SLOT_PROTOCOLS.get(slot, Phase)
    if not isinstance(ref, protocol):
        raise RuleReferenceError(
            f"{field}: {ref!r} does not follow the {slot!r} protocol (subclass "
            f"orgsim.rules.{protocol.__name__})"
        )
    missing = undefined_methods(ref)
    if missing:
        raise RuleReferenceError(
            f"{field}: {type(ref).__name__} does not define {' or '.join(missing)}, which the "
            f"{slot!r} protocol needs (orgsim.rules.{protocol.__name__})"
        )
    return ref


def _instantiate(cls: type[Rule], field: str, model_params: Any, params: dict) -> Rule:
    if cls.Params is None:
        if params:
            raise RuleReferenceError(f"{field}.params: {cls.__name__} takes no parameters")
        return cls()
    section = getattr(model_params, cls.section, None) if cls.section else None
    values = (section.model_dump() if section is not None else {}) | params
    from orgsim.scenario import BOOL_FOR_NUMBER, bools_for_numbers

    bools = bools_for_numbers(cls.Params, params)
    if bools:
        where = ".".join(map(str, bools[0]))
        raise RuleReferenceError(f"{field}.params.{where}: {BOOL_FOR_NUMBER}")
    try:
        return cls(cls.Params.model_validate(values))
    except ValidationError as err:
        e = err.errors()[0]
        where = ".".join(map(str, e["loc"]))
        valid = list(cls.Params.model_fields)
        if e["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(e["loc"][-1]), valid, n=1)
            hint = f"did you mean {close[0]}?" if close else f"valid fields: {', '.join(valid)}"
            raise RuleReferenceError(f"{field}.params.{where}: unknown field; {hint}") from None
        raise RuleReferenceError(f"{field}.params.{where}: {e['msg']}") from None
