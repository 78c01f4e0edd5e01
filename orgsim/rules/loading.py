"""Resolving rule and measure references from scenarios: registered names and import paths.

A reference is a registered name (``"leaving"``), a module path (``"mypkg.rules:MyLeaving"``)
or a file path relative to the scenario (``"./mentoring.py:Mentoring"``). Only the CLI and the
Python API resolve references; reading a scenario or a results folder never imports code.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from typing import Any

from orgsim.rules.base import RULES


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
