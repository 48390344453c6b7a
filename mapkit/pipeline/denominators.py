"""Per-LSOA population denominators for IoD2025 summaries, derived from MHCLG's own files.

MHCLG weights its summaries by mid-2022 populations (total, and working-age for the Employment domain) that are
not in the raw folder. A domain score is ``numerator / population``, so File 8's numerator over File 7's score
gives back the population MHCLG divided by, up to rounding (numerators to a multiple of 5, scores to 3 dp). Where
that interval is wide (small numerator or score) the estimate falls back to a prior clipped to the interval:
Census 2021 usual residents for the total, and for the working-age population the total times the district's
median working-age share (also where the derived working-age population is not a plausible share of the total).
``RULES`` names each candidate; docs/iod_method.md compares them with File 10.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mapkit.pipeline.inputs import read_census, read_iod, read_iod_file8
from mapkit.pipeline.raw import RawInputs

INCOME = ("income_domain_numerator", "Income Score (rate)")
EMPLOYMENT = ("employment_domain_numerator", "Employment Score (rate)")
CENSUS_TOTAL = "Residence type: Total; measures: Value"
NUMERATOR_STEP = 5.0
SCORE_STEP = 0.001
RULES = ("census", "derived", "derived_else_census", "derived_offset_else_census")
DEFAULT_RULE = "derived_offset_else_census"
MAX_RELATIVE_WIDTH = 0.2
# A derived working-age population outside this share of the total contradicts it (one Hackney LSOA has 1.75);
# such LSOAs use the prior (total x district median share) without clipping it to the contradictory interval.
PLAUSIBLE_WORKING_AGE_SHARE = (0.3, 1.0)


def _inside(value: pd.Series, low: pd.Series, high: pd.Series, slack: float = 0.25) -> pd.Series:
    """Whether ``value`` is within ``slack`` (relative) of the interval; far outside, clipping would keep a
    contradiction, so the prior is used as it is."""
    return (value >= low.fillna(0) * (1 - slack)) & (value <= high * (1 + slack))


def _interval(numerator: pd.Series, score: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Smallest and largest population consistent with the published (rounded) numerator and score."""
    low = (numerator - NUMERATOR_STEP / 2).clip(lower=0) / (score + SCORE_STEP / 2)
    high = (numerator + NUMERATOR_STEP / 2) / (score - SCORE_STEP / 2).where(score > SCORE_STEP / 2)
    return low, high.fillna(np.inf)


def _derived(numerator: pd.Series, score: pd.Series, offset: float) -> tuple[pd.Series, pd.Series]:
    """Point estimate ``(numerator + offset) / score`` and whether its rounding interval is narrow enough."""
    point = (numerator + offset) / score.where(score > 0)
    low, high = _interval(numerator, score)
    stable = point.notna() & ((high - low) / point <= MAX_RELATIVE_WIDTH)
    return point, stable


def lsoa_denominators(raw: RawInputs, lsoa: pd.DataFrame, rule: str = DEFAULT_RULE) -> pd.DataFrame:
    """``code, total_population, working_age_population, denominator_rule`` for every English LSOA.

    Parameters
    ----------
    raw : RawInputs
        The raw folder (File 7, File 8, Census 2021 TS001).
    lsoa : pandas.DataFrame
        The spine's LSOA table (``code, lad_code``).
    rule : str
        One of ``RULES``: ``census`` (Census 2021 usual residents for both, as the build did before; the raw
        folder has no working-age count); ``derived`` (numerator / score, the prior where that cannot be computed
        or is implausible); ``derived_else_census`` (numerator / score where the rounding interval is narrow,
        else the prior clipped to the interval); ``derived_offset_else_census`` (the same with
        ``(numerator + 2.5) / score``, which reproduces File 10 best; the default).
    """
    if rule not in RULES:
        raise ValueError(f"Unknown denominator rule {rule!r}; use one of {', '.join(RULES)}.")
    scores = read_iod(raw, [INCOME[1], EMPLOYMENT[1]])
    numerators = read_iod_file8(raw, [INCOME[0], EMPLOYMENT[0]])
    census = read_census(raw, "ts001", [CENSUS_TOTAL]).rename(columns={CENSUS_TOTAL: "census"})
    data = (lsoa[["code", "lad_code"]].merge(scores, on="code", how="left", validate="1:1")
            .merge(numerators, on="code", how="left", validate="1:1")
            .merge(census, on="code", how="left", validate="1:1"))
    prior = data["census"].astype(float)
    if rule == "census":
        return data[["code"]].assign(total_population=prior, working_age_population=prior,
                                     denominator_rule="census")
    offset = NUMERATOR_STEP / 2 if rule == "derived_offset_else_census" else 0.0
    total, total_ok = _derived(data[INCOME[0]], data[INCOME[1]], offset)
    working, working_ok = _derived(data[EMPLOYMENT[0]], data[EMPLOYMENT[1]], offset)
    if rule == "derived":
        total_ok, working_ok = total.notna(), working.notna()
    low, high = _interval(data[INCOME[0]], data[INCOME[1]])
    total = total.where(total_ok, prior.clip(low.fillna(0), high))
    share = (working / total).where(working_ok & total_ok)
    working_ok &= share.between(*PLAUSIBLE_WORKING_AGE_SHARE) | ~total_ok
    share = share.where(working_ok)
    district_share = share.groupby(data["lad_code"]).transform("median").fillna(share.median())
    low, high = _interval(data[EMPLOYMENT[0]], data[EMPLOYMENT[1]])
    guess = total * district_share
    working = working.where(working_ok, guess.clip(low.fillna(0), high).where(_inside(guess, low, high), guess))
    used = np.where(total_ok & working_ok, "derived", "fallback")
    return data[["code"]].assign(total_population=total, working_age_population=working, denominator_rule=used)
