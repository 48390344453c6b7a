"""Titles, subtitles, legend headings and source lines shared by every export format.

All wording is assembled from the declarations in ``layers/`` and the classification, so a title or a footer can
only say what the registry and the data say.
"""

from __future__ import annotations

from mapkit.specs.classes import BREAKS_FROM, SCHEMES
from mapkit.analysis.map_data import MapData
from mapkit.specs.registry import overlay_specs, registry
from mapkit.text.wording import series_notes
from mapkit.text.wording import singular_label as singular
from mapkit.text.wording import source_statement

from mapkit.text import ranks
from mapkit.text.ranks import VALUE_WORDS

__all__ = ["VALUE_WORDS", "in_sentence", "is_deprivation", "parent_levels", "place", "place_title", "plural",
           "reference_note", "singular", "source_lines", "subtitle", "title", "worst_best"]

PLACE_PATTERNS: dict[str, tuple[str, str]] = {
    "england": ("{name}", "{name}"),
    "ca": ("the {name} combined authority area", "{name} combined authority area"),
    "lad": ("{name}", "{name}"),
}
"""Per region kind: how a region is named inside a sentence and in a title."""


def place(name: str, kind: str) -> str:
    """The region as written inside a sentence: "the West Midlands combined authority area", "Coventry"."""
    return PLACE_PATTERNS[kind][0].format(name=name)


def place_title(name: str, kind: str) -> str:
    """The region as written in a title: "West Midlands combined authority area"."""
    return PLACE_PATTERNS[kind][1].format(name=name)


def plural(level: str) -> str:
    return registry().boundary(level).plural


def in_sentence(label: str) -> str:
    """An indicator label inside a sentence: lower-case first letter unless it starts with an acronym."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def is_deprivation(data: MapData) -> bool:
    """True when the map's rank 1 reads "most deprived" (:func:`mapkit.text.ranks.is_deprivation`)."""
    return ranks.is_deprivation(data.spec)


def worst_best(data: MapData) -> tuple[str, str]:
    """How the two ends read: ("most deprived", "least deprived") or e.g. ("highest", "lowest")."""
    return ranks.rank_ends(data.spec)


def _when(year: int | None, change: tuple[int, int] | None) -> str:
    return f", {change[0]} to {change[1]}" if change else f", {year}" if year else ""


def title(data: MapData) -> str:
    """"IMD score by ward: West Midlands combined authority area"; with a second measure "IMD score and change in
    GVA per hour worked, 2013 to 2023 by district: ..."."""
    view = data.view
    label = f"{data.spec.label}{_when(view.year, view.change)}"
    if data.versus is not None:
        other = data.versus.y
        label += f" and {in_sentence(other.spec.label)}{_when(other.view.year, other.view.change)}"
    hexed = " (hex map)" if view.layout == "hex" else ""
    return f"{label} by {singular(view.level)}: {place_title(data.region_name, data.region_kind)}{hexed}"


def subtitle(data: MapData) -> str:
    """How classes were made and against what, e.g. "Quantiles, 5 classes, compared with England"."""
    c = data.classification
    if data.versus is not None:
        return f"Two measures, 3 x 3 classes: {data.versus.reference}"
    if c.scheme == "national_deciles":
        return (f"Official national deciles (decile 1 = {worst_best(data)[0]} 10% of {plural(data.view.level)} "
                f"in England), {BREAKS_FROM['england']}")
    return f"{SCHEMES[c.scheme].label}, {c.k} classes, {BREAKS_FROM[c.breaks_from]}"


def reference_note(data: MapData) -> str:
    """What the breaks were computed on, from the classification itself."""
    if data.classification.scheme == "national_deciles":
        return f"Deciles among {data.classification.reference}."
    return f"Breaks from {data.classification.reference}."


def source_lines(data: MapData) -> list[str]:
    """Every source, vintage and licence line the map needs: indicator, boundaries, ONS's notes on the indicator's
    time series (if it has one), each overlay shown."""
    reg = registry()
    source = reg.sources[data.spec.source]
    boundary_key = reg.boundary(data.view.level).source.partition(".")[0]
    boundaries = reg.sources[boundary_key]
    levels = [data.view.level, *parent_levels(data.view.level)]
    vintages = "; ".join(f"{reg.boundary(lvl).plural} {reg.boundary(lvl).vintage}" for lvl in levels)
    lines = [f"{source.attribution} Vintage: {source.vintage}; period: {data.spec.period}."]
    if data.versus is not None:
        other = data.versus.y.spec
        second = reg.sources[other.source]
        lines.append(f"Second measure, {other.label}: {second.attribution} Vintage: {second.vintage}; period: "
                     f"{other.period}.")
    lines.append(f"Boundaries: {boundaries.title}, {vintages}. {boundaries.attribution}")
    if data.view.layout == "hex":
        lines.append(f"{source_statement('hexmaps')}.")
    shown = [data.view.indicator] + ([data.versus.y.view.indicator] if data.versus is not None else [])
    for series in dict.fromkeys(reg.series_for(i) for i in shown):
        if series is not None:  # ONS's caveats travel with its series, on the map page as in the data's metadata
            lines.append(" ".join(series_notes(series)))
    specs = overlay_specs()
    for overlay_id in data.overlays:
        spec = specs[overlay_id]
        lines.append(f"{spec.attribution} {spec.licence}")
    return lines


def parent_levels(level: str) -> list[str]:
    """Levels whose outlines are drawn over ``level`` (the web map's parent outlines)."""
    from mapkit.web.encode import PARENT_OUTLINE

    parent = PARENT_OUTLINE.get(level)
    return [parent] if parent else []
