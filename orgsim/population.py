"""Drawing people: the initial workforce and external hires, from the workforce distributions."""

from __future__ import annotations

import numpy as np

from orgsim.parameters import Workforce


def motivation_from_latent(z: np.ndarray, wf: Workforce) -> np.ndarray:
    """Motivation = Phi(sd * z + mu), mu chosen so P(motivation > 0.5) = share_wanting_to_lead."""
    from scipy.special import ndtr, ndtri  # here: checking a scenario's rules needs no scipy

    mu = wf.motivation_spread * ndtri(wf.share_wanting_to_lead)
    return ndtr(wf.motivation_spread * z + mu)


def draw_people(rng: np.random.Generator, grades: np.ndarray, wf: Workforce) -> dict:
    """Attributes of new people joining at ``grades`` (firm-specific expertise zero)."""
    from scipy.special import ndtr

    n = len(grades)
    z_skill, z_apt, z_mot, z_pref, z_age, z_eng = rng.standard_normal((6, n))
    rho = wf.aptitude_skill_correlation
    skill = wf.entry_skill + wf.skill_per_grade * (grades - 1) + wf.skill_sd * z_skill
    c = wf.status_drive_concentration
    motivation = motivation_from_latent(z_mot, wf)
    age = wf.hire_age_mean + wf.age_per_grade * (grades - 1) + wf.age_sd * z_age
    return {
        "skill": np.clip(skill, 0.01, 1.0),
        "firm_expertise": np.zeros(n),
        "aptitude": ndtr(rho * z_skill + np.sqrt(1 - rho**2) * z_apt),
        "motivation": motivation,
        "status_drive": rng.beta(wf.status_drive_mean * c, (1 - wf.status_drive_mean) * c, n),
        "preference_z": z_pref,
        "stated_preference": motivation + wf.preference_noise * z_pref,
        "engagement": np.clip(wf.initial_engagement + wf.engagement_sd * z_eng, 0.0, 1.0),
        "age": np.clip(age, 16.0, 64.0),
        "tenure": np.zeros(n, dtype=np.int32),
        "time_in_grade": np.zeros(n, dtype=np.int32),
    }


def draw_initial_workforce(
    rng: np.random.Generator, grades: np.ndarray, wf: Workforce, firm_years: float
) -> dict:
    """The workforce found at month 0: people as hired, with tenure already served."""
    people = draw_people(rng, grades, wf)
    n = len(grades)
    tenure_years = rng.uniform(0, 1, n) * np.clip(people["age"] - 20, 0.5, 25)
    people["tenure"] = (tenure_years * 12).astype(np.int32)
    people["time_in_grade"] = (rng.uniform(0, 1, n) * np.minimum(tenure_years, 5) * 12).astype(
        np.int32
    )
    people["firm_expertise"] = 1 - np.exp(-tenure_years / firm_years)
    people["hire_month"] = -people["tenure"]
    return people
