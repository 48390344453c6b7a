"""Similar areas: the nearest neighbours of a ward, district or combined authority among England's areas of its level.

Method (docs/similar_areas.md): every area of the level in England with all :data:`FEATURES` is described by those
figures, each standardised to a z-score across those areas (mean 0, standard deviation 1, so no figure weighs more
because of its unit); the distance between two areas is the Euclidean distance between their z-score vectors, and
the similar areas are the nearest ones, ties broken by area code so the order is stable. Areas missing any feature
are left out of the comparison and listed as such.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from mapkit.data.products import level_table, load_boundaries
from mapkit.errors import UnknownNameError
from mapkit.specs.registry import registry

IOD_DOMAINS = ("income_score", "employment_score", "education_score", "health_score", "crime_score",
               "barriers_score", "living_environment_score")
"""The seven IoD2025 domain scores (MHCLG), not the IMD, which is their weighted sum."""
CENSUS = ("level4_qualifications", "no_car_households", "population")
"""Census 2021: skills at the top end (the domains measure deprivation, not advantage), households without a car
(a plain proxy for urban density and transport, which no other input measures), and usual residents (size, as in
CIPFA's and ONS's models; taken as log10 so that a city is not an outlier on size alone)."""
FEATURES = IOD_DOMAINS + CENSUS
LOG_FEATURES = frozenset({"population"})
LEVELS = ("ward", "lad", "ca")
DEFAULT_N = 10
HELP = ("The 10 {plural} of England most like this one on the seven IoD2025 domain scores and three Census 2021 "
        "figures (Level 4+ qualifications, households without a car, usual residents), each standardised across "
        "England's {plural}. Similar is not the same: see the method (?).")
METHOD_HELP = ("Each area is described by the seven IoD2025 domain scores (income, employment, education, health, "
               "crime, barriers to housing and services, living environment; MHCLG) and three Census 2021 figures "
               "(share of residents 16+ with Level 4+ qualifications, share of households without a car or van, "
               "usual residents as log10). Each figure becomes a z-score across England's areas of the level; the "
               "distance between two areas is the Euclidean distance between their z-scores, and the list is the "
               "10 nearest (ties by code). Similarity = 100 / (1 + distance). Limits: equal weights, by choice "
               "rather than estimation; the domain scores date from 2022/23 data and the Census from March 2021; "
               "areas missing a figure are left out.")
"""The app's help text (a caption with the method behind its "?")."""
KEY_FIGURES = ("imd_score", "population")
"""Figures listed beside each similar area."""


@lru_cache(maxsize=4)
def standardised(level: str) -> pd.DataFrame:
    """Z-scores of :data:`FEATURES` (columns) for every area of ``level`` that has all of them (index: code, sorted).

    Raises
    ------
    UnknownNameError
        For a level that is not one of :data:`LEVELS`.
    """
    if level not in LEVELS:
        raise UnknownNameError(f"Similar areas are found for {', '.join(registry().boundary(v).plural for v in LEVELS)}"
                               f", not {registry().boundary(level).plural}.")
    table = level_table(level)
    wide = table[table["indicator"].isin(FEATURES)].pivot(index="code", columns="indicator", values="value")
    wide = wide.reindex(columns=list(FEATURES)).astype(float)
    for column in LOG_FEATURES:
        wide[column] = np.log10(wide[column].where(wide[column] > 0))
    wide = wide.dropna().sort_index()
    return (wide - wide.mean()) / wide.std(ddof=0)


def excluded(level: str) -> list[str]:
    """Codes of England's areas of ``level`` left out for want of a feature."""
    return sorted(set(load_boundaries(level)["code"]) - set(standardised(level).index))


def distances(code: str, level: str) -> pd.Series:
    """Euclidean distance in z-score space from ``code`` to every comparable area (itself included, at 0),
    nearest first, ties in code order.

    Raises
    ------
    UnknownNameError
        If ``code`` is not an area of ``level`` with every feature.
    """
    z = standardised(level)
    if code not in z.index:
        plural = registry().boundary(level).plural
        reason = ("it lacks one of the figures the method uses" if code in set(load_boundaries(level)["code"])
                  else f"it is not one of England's {plural}")
        raise UnknownNameError(f"No similar areas for {code!r}: {reason}.")
    gaps = z.to_numpy() - z.loc[code].to_numpy()
    out = pd.Series(np.sqrt((gaps ** 2).sum(axis=1)), index=z.index, name="distance")
    order = np.lexsort((out.index.to_numpy(), out.to_numpy()))
    return out.iloc[order]


def similar_areas(code: str, level: str, n: int = DEFAULT_N, *, include_self: bool = False) -> pd.DataFrame:
    """The ``n`` areas of ``level`` in England most similar to ``code``.

    Returns
    -------
    pandas.DataFrame
        ``rank, code, name, distance, similarity`` then :data:`KEY_FIGURES` (values as published) and
        ``parent`` (district of a ward, region of a district); ``similarity`` is ``100 / (1 + distance)``.
    """
    near = distances(code, level)
    if not include_self:
        near = near[near.index != code]
    near = near.head(n)
    shapes = load_boundaries(level).set_index("code")
    table = level_table(level)
    out = pd.DataFrame({"rank": range(1, len(near) + 1), "code": near.index,
                        "name": shapes.loc[near.index, "name"].astype(str).to_numpy(),
                        "distance": near.to_numpy().round(3)})
    out["similarity"] = (100 / (1 + out["distance"])).round(1)
    for indicator in KEY_FIGURES:
        values = table[table["indicator"] == indicator].set_index("code")["value"]
        out[indicator] = out["code"].map(values)
    parent = {"ward": "lad_name", "lad": "rgn_name"}.get(level)
    out["parent"] = shapes.loc[near.index, parent].astype(str).to_numpy() if parent else ""
    return out


def district_type(code: str) -> str:
    """The broad type a district's ONS code prefix states: unitary authority (E06), shire district (E07),
    metropolitan district (E08) or London borough (E09)."""
    return {"E06": "unitary authority", "E07": "shire district", "E08": "metropolitan district",
            "E09": "London borough"}.get(code[:3], "other")


def neighbour_share(level: str, groups: pd.Series, n: int = DEFAULT_N) -> tuple[float, float]:
    """How often an area's ``n`` nearest neighbours share its group, against chance. A check of the method,
    reported in docs/similar_areas.md.

    Parameters
    ----------
    groups
        Group of each area (index: code), e.g. region, combined authority or district type; areas without a group
        are skipped as the area looked from, and count as "not the same" as a neighbour.

    Returns
    -------
    tuple of float
        The share of neighbours in the area's group, and the share expected if neighbours were drawn at random
        from the other comparable areas.
    """
    z = standardised(level)
    groups = groups.reindex(z.index)
    values = z.to_numpy()
    codes = z.index.to_numpy()
    labels = groups.to_numpy()
    same = total = 0
    chance = 0.0
    counts = groups.value_counts()
    for i in range(len(codes)):
        if pd.isna(labels[i]):
            continue
        gaps = np.sqrt(((values - values[i]) ** 2).sum(axis=1))
        order = [j for j in np.lexsort((codes, gaps)) if j != i][:n]
        same += sum(labels[j] == labels[i] for j in order)
        total += len(order)
        chance += len(order) * (counts[labels[i]] - 1) / (len(codes) - 1)
    return (same / total, chance / total) if total else (float("nan"), float("nan"))
