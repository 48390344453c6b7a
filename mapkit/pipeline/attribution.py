"""``data/ATTRIBUTION.md``: what the shipped products contain, where each figure comes from, and its licence."""

from __future__ import annotations

from mapkit.specs.registry import Registry


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
        "- **District figures are MHCLG's own.** For districts, every IoD2025 measure MHCLG publishes in File 10 "
        "(average score, average rank, proportion of LSOAs in the most deprived 10% nationally, IMD extent and "
        "local concentration, income and employment scale) is shipped as published, with MHCLG's own rank "
        "(1 = most deprived). Measures File 10 does not publish for districts (the 20% share, domain extent and "
        "local concentration) are computed as for wards.",
        "- **Ward and combined-authority summaries** follow MHCLG's definitions: average rank and local "
        "concentration use inverted LSOA ranks (33,756 minus the rank), so a higher value is more deprived; the "
        "Employment domain is weighted by working-age population, the others by total population; income and "
        "employment scale are sums of File 8 numerators. The mid-2022 populations MHCLG weights by are derived "
        "per LSOA from File 8 numerators and File 7 scores (Census 2021 residents where rounding makes that "
        "unstable). Computed the same way, district figures reproduce File 10 with no district moving more "
        "than " + str(max((r["max_rank_shift"] for r in report.get("iod_district_check", [])), default=0))
        + " places; the full comparison is in `build_report.json` (`iod_district_check`) and docs/iod_method.md.",
        "- **Units**: proportions are stored and shown as percentages (0-100), e.g. File 10's 0.4211 is 42.11%.",
        "- **Summary measures** follow the IoD technical report: population-weighted average score and average "
        "rank; proportion of LSOAs in the most deprived 10% (and 20%) nationally; extent (population in the most "
        "deprived 10% in full, percentiles 11-30 on a sliding weight from 0.95 to 0.05); local concentration "
        "(population-weighted average inverted rank of the most deprived LSOAs holding 10% of the population).",
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
        "- **Change between editions** (IoD2019 to IoD2025; Census 2011 to 2021) links 2011 LSOAs to 2021 LSOAs by "
        "the ONS LSOA 2011 to 2021 lookup: unchanged and split LSOAs are compared (a split LSOA inherits its parent's "
        "IoD2019 rank and decile), merged LSOAs only where every part had the same 2019 decile, redrawn LSOAs not at "
        "all; IoD scores are never compared (MHCLG: not comparable between editions), only ranks and deciles. Census "
        "counts are summed over groups of LSOAs covering the same ground in both censuses (docs/change_method.md).",
        "- **Boundaries** are the ONS BSC (super generalised) layers, simplified further as a coverage so shared "
        "edges stay shared; EPSG:4326.",
        "- **Postcode search** (`postcodes/postcodes.parquet`): the live English postcodes of OS Code-Point Open "
        "with their point and an LSOA 2021 code derived from the ONS May 2022 best-fit lookup (SOURCES.md section "
        "12). For about 4.5% of postcodes the LSOA was assigned by the nearest Output Area and may be a neighbouring "
        "one; the app says so for those postcodes. Ward, district and combined authority are the LSOA's.",
        *_hex_note(report.get("hexmaps")),
        "",
        "Machine-readable details (row counts, join coverage, unmatched codes, checksums): `build_report.json`.",
        "",
        *_hex_licence(report.get("hexmaps")),
    ]
    return "\n".join(lines)


def _hex_note(hexmaps: dict | None) -> list[str]:
    """The hex maps' method note."""
    if not hexmaps:
        return []
    lad = hexmaps["lad"]
    missing = ", ".join(f"{d['code']} {d['name']}" for d in lad["districts_without_cell"]) or "none"
    return [
        "- **Hex maps** (`hex/`): a layout, not geography. Districts sit on Open Innovations' HexJSON cells "
        f"({lad['districts_with_cell']} of {lad['districts']} districts matched by code; without a cell: {missing}); "
        "ward layouts are computed per combined authority and per district by assigning wards to the cells of a hex "
        "grid over the region's shape with the least total squared displacement from their centroids. Coordinates "
        "are display coordinates: hexagons regular in Web Mercator, laid over the real extent, stored in "
        "EPSG:4326; distances and areas mean nothing on the ground. " + hexmaps["labels"]["rule"],
    ]


def _hex_licence(hexmaps: dict | None) -> list[str]:
    """The hex layout's licence notice, which the MIT licence asks to go with copies."""
    if not hexmaps:
        return []
    return [
        "## Licence notice: hex layout (Open Innovations)",
        "",
        "```",
        *hexmaps["licence_notice"].splitlines(),
        "```",
        "",
    ]
