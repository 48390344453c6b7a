"""What a change map leaves out: how many of a region's LSOAs could not be compared between editions.

Read from the shipped products (``data/``); the rule itself is in :mod:`mapkit.pipeline.movement` and
docs/change_method.md.
"""

from __future__ import annotations

import pandas as pd

from mapkit.data.products import indicator_table, load_boundaries, region_name
from mapkit.specs.registry import registry

IOD_LSOA_BASIS = "imd_change_net_10pct"
"""LSOA indicator whose gaps are the LSOAs not comparable on deciles (area-only movement indicators count them)."""


def comparability_text(indicator_id: str, region: str) -> str | None:
    """One sentence stating how many of ``region``'s LSOAs the change indicator could not compare, or ``None`` for
    an indicator that is not a change between editions."""
    spec = registry().indicator(indicator_id)
    if spec.method not in ("iod_movement", "census_change"):
        return None
    basis = indicator_id if "lsoa" in spec.levels else IOD_LSOA_BASIS
    codes = load_boundaries("lsoa", region)["code"]
    values = indicator_table(basis, "lsoa").set_index("code")["value"].reindex(codes)
    missing, total = int(pd.isna(values).sum()), len(codes)
    place = region_name(region)
    if spec.method == "census_change":
        return (f"In {place}, {missing:,} of {total:,} LSOAs are not compared on their own (split or redrawn since "
                "2011); wards, districts and combined authorities compare the same ground in both censuses.")
    why = ("merged from 2011 LSOAs, which have no single 2019 rank, or redrawn" if basis == "imd_change_percentile"
           else "merged from 2011 LSOAs in different 2019 deciles, or redrawn")
    return (f"In {place}, {missing:,} of {total:,} LSOAs could not be compared between IoD2019 and IoD2025 ({why}); "
            "each area's note gives its count. Scores are not comparable between editions: ranks and deciles only.")
