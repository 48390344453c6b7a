"""``data/ATTRIBUTION.md``: what the shipped products contain, where each figure comes from, and its licence."""

from __future__ import annotations

from mapkit.layers import Registry


def attribution_markdown(registry: Registry, report: dict) -> str:
    lines = [
        "# Data attribution",
        "",
        "The files in `data/` are built by `python -m mapkit build-data` from official open data; no value is",
        "typed, edited or filled by hand. Missing figures stay missing and are shown as \"no data\".",
        "",
        "## Sources and required attribution",
        "",
    ]
    for source in registry.sources.values():
        lines += [f"### {source.title}", "", f"- Publisher: {source.publisher}", f"- Vintage: {source.vintage}",
                  f"- Licence: {source.licence}", f"- Attribution: *{source.attribution}*", "- Files:"]
        for ref, used in sorted(report["sources"].items()):
            if ref.startswith(source.key + "."):
                lines.append(f"  - {used['title']} (`{used['path']}`, sha256 `{used['sha256'][:16]}…`), "
                             f"official download: <{used['url']}>")
        lines.append("")
    lines += [
        "## Method notes",
        "",
        "- **Population weights.** Ward, district and combined-authority summaries of IoD2025 scores and ranks "
        "are weighted by the **Census 2021 usual resident population** (TS001, 21 March 2021, summed from Output "
        "Areas). MHCLG weights its own district summaries by the mid-2022 population denominators of File 7, "
        "which were not available; figures can therefore differ slightly from MHCLG's published summaries. The "
        "proportion of LSOAs in the most deprived 10%/20% uses no weights and matches MHCLG's method exactly.",
        "- **Summary measures** follow the IoD technical report: population-weighted average score and average "
        "rank; proportion of LSOAs in the most deprived 10% (and 20%) nationally; extent (population in the most "
        "deprived 10% in full, percentiles 11-30 on a sliding weight from 0.95 to 0.05); local concentration "
        "(population-weighted average rank of the most deprived LSOAs holding 10% of the population).",
        "- **Ranks and deciles**: rank 1 is the worst area of that level in England (most deprived, or lowest "
        "where higher is better); decile 1 is the worst 10%. Neutral indicators (sizes such as population) are not "
        "better or worse: rank 1 is the highest. LSOA ranks and deciles are MHCLG's published ones.",
        "- **Units**: every share and rate is a percentage 0-100 (unit \"% of ...\"); Census 2021 rates are the "
        "summed numerator as a percentage of the summed denominator; ONS percentages are as published.",
        "- **Geography**: LSOAs are assigned to wards by the ONS LSOA (2021) to ward (2024) best-fit lookup and to "
        "districts by MHCLG's IoD2025 File 1; districts to combined authorities (May 2025) by a lookup derived "
        "from the ONS boundary layers (the official ONS lookup was not available).",
        f"- **Wards without an LSOA**: {len(report['joins']['wards_without_lsoa'])} small wards receive no LSOA in "
        "the best-fit lookup and show as no data for LSOA-based indicators.",
        "- **Census 2021** counts are sums of Output Areas (ONS perturbs each table independently, so LSOA totals "
        "can differ by a few people from the published LSOA tables).",
        "- **Growth figures** (GVA per hour worked, median weekly pay, employment rate 16-64, modelled "
        "unemployment, GDHI per head, business birth and high-growth rates) are the latest year of the ONS Explore "
        "Local Statistics data files, on current district codes, with ONS's own combined-authority rows where "
        "published; rates, medians and per-head figures are never re-aggregated from districts. Cells ONS leaves "
        "empty or marks `x` stay missing with the reason.",
        "- **Subnational indicators explorer** (ninth release; level 3 qualifications, gigabit coverage, net "
        "additional dwellings) uses 2022 district codes: Cumberland, Westmorland and Furness, North Yorkshire and "
        "Somerset (created April 2023) have no figure.",
        "- **Boundaries** are the ONS BSC (super generalised) layers, simplified further as a coverage so shared "
        "edges stay shared; EPSG:4326.",
        "",
        "Machine-readable details (row counts, join coverage, unmatched codes, checksums): `build_report.json`.",
        "",
    ]
    return "\n".join(lines)
