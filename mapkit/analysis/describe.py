"""A prepared map in words: its text alternative and what a screen reader hears when the view changes."""

from __future__ import annotations

from collections.abc import Sequence

from mapkit.analysis.map_data import MapData
from mapkit.text.ranks import DARKER, rank_hint
from mapkit.text.wording import hex_note


def map_description(data: MapData, in_brief: Sequence[str] = ()) -> str:
    """The map's text alternative: what it shows, its classes with their area counts, and the "In brief" sentences.

    Parameters
    ----------
    data
        The prepared view on the map.
    in_brief
        Plain-English sentences about the areas (the briefing pack's), already computed.

    Returns
    -------
    str
        Markdown: one paragraph, the classes as a list, then the sentences; it points to the ranked table.
    """
    if data.versus is not None:
        return _versus_description(data, in_brief)
    spec, classes = data.spec, data.classification
    n = len(data.frame)
    lines = [f"A map of {spec.label} ({spec.unit}, {spec.period}) for the {n:,} areas of {data.region_name}, "
             f"in {classes.k} colour classes computed from {classes.reference}. "
             f"{DARKER[spec.higher_is]}; rank {rank_hint(spec)}.", ""]
    if data.view.layout == "hex":
        lines[0] += " " + hex_note(data.view.level, data.view.region)
    for number, (label, count) in enumerate(zip(classes.labels, classes.counts), start=1):
        lines.append(f"- Class {number} of {classes.k}: {label}: {count:,} areas")
    if classes.n_missing:
        lines.append(f"- No data (grey, dashed outline): {classes.n_missing:,} areas")
    if in_brief:
        lines += ["", "In brief:", "", *[f"- {s}" for s in in_brief]]
    lines += ["", "Every area's figure, ranks and notes are in the Ranked table tab below the map; tick "
              "\"Show as a plain table\" there for a table a screen reader can read row by row."]
    return "\n".join(lines)


def _versus_description(data: MapData, in_brief: Sequence[str]) -> str:
    """A bivariate map in words: both measures, how the thirds were cut, the areas in each cell, the correlation."""
    versus = data.versus
    x, y = versus.x.spec, versus.y.spec
    counts = versus.cells.counts
    lines = [f"A bivariate map of {x.label} ({x.unit}, {x.period}) against {y.label} ({y.unit}, {y.period}) for "
             f"the {len(data.frame):,} areas of {data.region_name}. Each measure is cut into {versus.reference}; "
             f"each area is coloured by its pair of thirds, nine colours in all. Along the key: "
             f"{versus.x_words.direction} to the right, {versus.y_words.direction} upwards.", ""]
    for index, name in enumerate(versus.cell_names):
        x_third, y_third = index % 3 + 1, index // 3 + 1
        n = int(counts[y_third - 1, x_third - 1])
        lines.append(f"- {name} ({x_third}-{y_third}): {n:,} area{'' if n == 1 else 's'}")
    if versus.cells.n_missing:
        lines.append(f"- No data for either measure (grey, dashed outline): {versus.cells.n_missing:,} areas")
    lines += ["", f"Correlation on this map: {versus.cells.correlation.describe()}."]
    if in_brief:
        lines += ["", "In brief:", "", *[f"- {s}" for s in in_brief]]
    lines += ["", "Every area's two figures, ranks and cell are in the Ranked table tab below the map."]
    return "\n".join(lines)


def view_announcement(data: MapData, area_name: str | None = None) -> str:
    """What a screen reader hears, politely, when the view changes: the map and the open profile, if any."""
    shown = data.spec.label if data.versus is None else f"{data.spec.label} against {data.versus.y.spec.label}"
    text = f"Map: {shown} for the {len(data.frame):,} areas of {data.region_name}."
    return text + (f" Profile of {area_name} open beside the map." if area_name else "")
