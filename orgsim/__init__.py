"""orgsim: an agent-based Mesa model of promotion policies, engagement and lost expertise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orgsim.parameters import ModelParams
from orgsim.policies import NAMED_POLICIES

if TYPE_CHECKING:
    from orgsim.model import OrgModel

__version__ = "0.1.0"

__all__ = ["NAMED_POLICIES", "ModelParams", "OrgModel", "__version__"]


def __getattr__(name: str) -> Any:
    """``orgsim.OrgModel`` on first use: importing orgsim stays cheap (no Mesa, no pandas)."""
    if name == "OrgModel":
        from orgsim.model import OrgModel

        globals()["OrgModel"] = OrgModel  # later look-ups skip this function
        return OrgModel
    raise AttributeError(f"module 'orgsim' has no attribute {name!r}")
