"""The schemes in a briefing pack: every overlay feature drawn, with status, date, source and who lives near or in it.

One row per feature drawn on the map (a zone and its point are two rows: the point's figure is residents within
:data:`DISTANCE_KM`, the zone's is residents of its wards). Lines are listed through their stops, so schematic line
segments are left out of the table. Figures come from :mod:`mapkit.analysis.nearby` (buffers) and
:mod:`mapkit.analysis.zones`
(wards); statuses over a year older than the view's "as of" date (or today) are flagged.
"""

from __future__ import annotations

import pandas as pd

from mapkit.specs.registry import overlay_declarations, overlay_specs
from mapkit.analysis.nearby import catchment, population_near
from mapkit.analysis.map_data import MapData
from mapkit.data.status_dates import is_stale
from mapkit.analysis.zones import residents_in_zone
from mapkit.export.tidy import TidyTable

__all__ = ["DISTANCE_KM", "scheme_table", "scheme_note", "schemes_tidy"]

DISTANCE_KM = 1.0
COLUMNS = ("Group", "Name", "Type", "Status", "Status text", "Status date", "Stale", "Residents", "Counted",
           "Most deprived 20% (%)", "Source", "Source URL")


def _flag(value: object) -> bool:
    return value is True or (isinstance(value, (bool,)) and bool(value))


def scheme_table(data: MapData, *, distance_km: float = DISTANCE_KM) -> pd.DataFrame:
    """The features of the overlays drawn on ``data``'s map, one row each, with who lives near or in them."""
    declarations = overlay_declarations()
    specs = overlay_specs()
    as_of = data.view.as_of_date
    rows = []
    for overlay_id, frame in data.overlays.items():
        for props in frame.to_dict(orient="records"):
            geometry = props.pop("geometry")
            if geometry.geom_type == "LineString":
                continue
            if _flag(props.get("zone")):
                result = residents_in_zone(props, geometry)
                counted = f"in its {result.ward_count} ward{'s' if result.ward_count != 1 else ''}"
                if result.approximate:
                    counted += " (approximate list)"
            else:
                result = population_near(catchment(geometry), distance_km=distance_km)
                counted = f"within {distance_km:g} km"
            share = result.most_deprived_share
            category = props.get("status_category") or declarations.status.fallback
            date = props.get("status_date") or ""
            rows.append({
                "Group": specs[overlay_id].label,
                "Name": str(props.get("name", "")),
                "Type": declarations.subtype_label(str(props.get("subtype", ""))),
                "Status": declarations.status.labels.get(category, category),
                "Status text": str(props.get("status", "")),
                "Status date": str(date),
                "Stale": "yes" if is_stale(date, as_of) else "",
                "Residents": int(round(result.total_population, -1)),
                "Counted": counted,
                "Most deprived 20% (%)": None if share is None else round(100 * share, 1),
                "Source": str(props.get("source_title", "")),
                "Source URL": str(props.get("source_url", "")),
            })
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    if table.empty:
        return table
    order = {s: i for i, s in enumerate(declarations.status.labels.values())}
    return (table.assign(_o=table["Status"].map(order)).sort_values(["Group", "_o", "Name"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))


def scheme_note(data: MapData, *, distance_km: float = DISTANCE_KM) -> str:
    """How the table's figures were made, and the date statuses are judged against."""
    from mapkit.analysis.nearby import METHOD as NEAR
    from mapkit.analysis.zones import METHOD as ZONE

    when = data.view.as_of or "today"
    return (f"Residents: points within {distance_km:g} km ({NEAR}); zones: {ZONE} Stale = status date over a "
            f"year before {when}. Sources as cited on each scheme; full URLs in the pack's schemes CSV.")


def schemes_tidy(data: MapData, table: pd.DataFrame | None = None) -> TidyTable:
    """The schemes in the tidy schema (the pack's schemes CSV): two rows per scheme, its residents and the share of
    them in England's most deprived 20% of LSOAs, beside its status, date and source."""
    from mapkit.export.tidy import Source, TidyTable, tidy_frame

    table = scheme_table(data) if table is None else table
    specs = overlay_specs()
    base = pd.DataFrame({
        "area_code": "", "area_name": table["Name"], "area_level": "scheme", "period": "Census 2021; IoD2025",
        "scheme_group": table["Group"], "scheme_type": table["Type"], "scheme_status": table["Status"],
        "status_text": table["Status text"], "status_date": table["Status date"], "stale": table["Stale"],
        "counted": table["Counted"], "status_source": table["Source"], "source_url": table["Source URL"],
        "source": "Office for National Statistics, Census 2021; MHCLG, English Indices of Deprivation 2025"})
    residents = base.assign(indicator_id="residents", indicator="Residents near or in the scheme",
                            value=table["Residents"], unit="people")
    deprived = base.assign(indicator_id="residents_most_deprived_20pct",
                           indicator="Residents in England's most deprived 20% of LSOAs",
                           value=table["Most deprived 20% (%)"], unit="% of residents")
    frame = pd.concat([residents, deprived]).sort_index(kind="stable")
    when = data.view.as_of or "today"
    return TidyTable(
        name="schemes", title=f"Overlay schemes in {data.region_name}",
        description=("The growth locations and transport schemes drawn on the map, with their status and who lives "
                     "near or in each."),
        frame=tidy_frame(frame),
        sources=(*(Source(publisher="Project research", title=specs[o].label, vintage=specs[o].description,
                          licence=specs[o].licence, attribution=specs[o].attribution) for o in data.overlays),
                 Source.of("census2021"), Source.of("iod2025"), Source.of("ons_boundaries")),
        method=scheme_note(data), caveats=("Residents are rounded to the nearest 10.",
                                           f"Statuses as recorded by {when}: the research holds each scheme's "
                                           "latest status, not its history."))
