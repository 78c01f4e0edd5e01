"""orgsim: an agent-based Mesa model of promotion policies, engagement and lost expertise."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orgsim.model import OrgModel
    from orgsim.parameters import ModelParams
    from orgsim.policies import NAMED_POLICIES

__version__ = "0.1.0"

__all__ = ["NAMED_POLICIES", "ModelParams", "OrgModel", "__version__"]

#: Where each public name lives: imported on first use, so ``import orgsim`` (and the command
#: line's start, ``orgsim --help``) loads no pydantic, Mesa or pandas.
_LAZY = {
    "OrgModel": "orgsim.model",
    "ModelParams": "orgsim.parameters",
    "NAMED_POLICIES": "orgsim.policies",
}


def __getattr__(name: str) -> Any:
    """A public name on first use (later look-ups find it in the module's globals)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'orgsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value
