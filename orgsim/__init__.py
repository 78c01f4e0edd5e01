"""orgsim: an agent-based Mesa model of promotion policies, engagement and lost expertise."""

from orgsim.model import OrgModel
from orgsim.parameters import ModelParams
from orgsim.policies import NAMED_POLICIES

__version__ = "0.1.0"

__all__ = ["NAMED_POLICIES", "ModelParams", "OrgModel", "__version__"]
