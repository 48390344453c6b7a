"""Check the similar-areas method (mapkit.analysis.similar) against groupings it does not use; figures for
docs/similar_areas.md.

For each grouping: the share of areas' 10 nearest neighbours in the same group, and the share expected by chance.
Run: ``python tools/similar_areas_check.py`` (about a minute: wards are 6,784 areas).
"""

from __future__ import annotations

import pandas as pd

from mapkit.data.products import load_boundaries
from mapkit.analysis.similar import district_type, excluded, neighbour_share, similar_areas, standardised


def main() -> None:
    lad = load_boundaries("lad").set_index("code")
    ward = load_boundaries("ward").set_index("code")
    checks = {
        ("lad", "district type (E06/E07/E08/E09)"): pd.Series(lad.index.map(district_type), index=lad.index),
        ("lad", "English region"): lad["rgn_code"],
        ("lad", "combined authority (districts in one)"): lad["ca_code"],
        ("ward", "district"): ward["lad_code"],
        ("ward", "type of the ward's district"): ward["lad_code"].map(district_type),
    }
    print("| level | grouping | same group among the 10 nearest | by chance |")
    print("|---|---|---|---|")
    for (level, label), groups in checks.items():
        same, chance = neighbour_share(level, groups)
        print(f"| {level} | {label} | {same:.1%} | {chance:.1%} |")
    for level in ("ca", "lad", "ward"):
        print(f"{level}: {len(standardised(level))} areas compared, {len(excluded(level))} left out")
    names = lad["name"]
    print("Sandwell:", ", ".join(names[c] for c in similar_areas("E08000028", "lad")["code"]))


if __name__ == "__main__":
    main()
