"""Resolving rule and measure references: registered names and import paths, in one place.

A reference is a registered name (``"leaving"``), a module path (``"mypkg.rules:MyLeaving"``)
or a file path relative to the scenario (``"./mentoring.py:Mentoring"``). Only the CLI and the
Python API resolve references; reading a scenario or a results folder never imports code.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orgsim.rules.base import RULES, SLOT_PROTOCOLS, Phase, Rule


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
        except Exception as err:
            del sys.modules[name]
            raise RuleReferenceError(f"{field}: importing {path} failed: {err!r}") from None
        return module
    try:
        return importlib.import_module(module_ref)
    except ImportError as err:
        raise RuleReferenceError(f"{field}: cannot import module {module_ref!r} ({err})") from None
    except Exception as err:
        raise RuleReferenceError(f"{field}: importing {module_ref!r} failed: {err!r}") from None


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
    return ref


def _instantiate(cls: type[Rule], field: str, model_params: Any, params: dict) -> Rule:
    if cls.Params is None:
        if params:
            raise RuleReferenceError(f"{field}.params: {cls.__name__} takes no parameters")
        return cls()
    section = getattr(model_params, cls.section, None) if cls.section else None
    values = (section.model_dump() if section is not None else {}) | params
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
