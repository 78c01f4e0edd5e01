"""A tiny organisation's HR tables for the fit tests (tests/fit/ and tests/test_cli_fit.py)."""

from __future__ import annotations

import pandas as pd


def tiny_tables() -> dict[str, pd.DataFrame]:
    """A 42-person organisation: ICs at grades 1-2, six managers at grade 3."""
    return {
        "headcount": pd.DataFrame(
            {"grade": [1, 2, 3], "role": ["ic", "ic", "manager"], "headcount": [24, 12, 6]}
        ),
        "teams": pd.DataFrame({"team_size": [6], "managers": [6]}),
        "leavers": pd.DataFrame(
            {
                "grade": [1, 2, 3],
                "role": ["ic", "ic", "manager"],
                "reason": ["voluntary", "voluntary", "retirement"],
                "leavers": [3, 1, 1],
            }
        ),
        "promotions": pd.DataFrame(
            {
                "from_grade": [1, 2],
                "from_role": ["ic", "ic"],
                "to_grade": [2, 3],
                "to_role": ["ic", "manager"],
                "promotions": [4, 1],
            }
        ),
        "engagement": pd.DataFrame(
            {
                "grade": [1, 2, 3],
                "role": ["ic", "ic", "manager"],
                "respondents": [20, 10, 6],
                "mean_score": [3.4, 3.5, 3.8],
                "share_engaged": [0.1, 0.1, 0.3],
            }
        ),
        "aspiration": pd.DataFrame(
            {
                "grade": [1, 2],
                "role": ["ic", "ic"],
                "respondents": [20, 10],
                "share_yes": [0.3, 0.4],
            }
        ),
        "settings": pd.DataFrame(
            {
                "setting": ["organisation", "engagement_scale_min", "engagement_scale_max"],
                "value": ["Tiny Ltd", 1, 5],
            }
        ),
    }
