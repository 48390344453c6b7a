"""Labels, source lines and attribution text, composed once for every surface (app, CSV, web map, exports).

Every line that names a publisher, a vintage or a licence is built here from the declarations in ``layers/``, so
the sidebar, the ranked table, the profile, the CSV header, the map's attribution and the page footer cannot
drift apart. Export pages add their own layout around these lines (:mod:`mapkit.export.wording`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mapkit.data.products import region_name, regions
from mapkit.specs.registry import IndicatorSpec, SeriesSpec, overlay_specs, registry
from mapkit.specs.palettes import DEFAULT as DEFAULT_PALETTE
from mapkit.specs.palettes import PALETTES

NEARBY_SOURCES = "IoD2025 national deciles (MHCLG), Census 2021 (ONS)"
NO_FILLING = "Missing figures are shown as 'no data' with the reason; no value is estimated or filled in."


def sentence_case(text: str) -> str:
    """``text`` with its first letter in capitals ("wards" -> "Wards")."""
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=None)
def region_labels() -> dict[str, str]:
    """Every region's picker label: "England", "<name> (combined authority)", "<name> (district, <group>)"."""
    labels = {}
    for row in regions().itertuples():
        if row.kind == "england":
            labels[row.code] = "England"
        elif row.kind == "ca":
            labels[row.code] = f"{row.name} (combined authority)"
        else:
            labels[row.code] = f"{row.name} (district, {str(row.group).removeprefix('Districts: ')})"
    return labels


def region_label(code: str) -> str:
    """The picker label of one region code (see :func:`region_labels`)."""
    return region_labels()[code]


def level_label(level: str) -> str:
    """A level's plural with a capital, as a picker shows it ("Wards")."""
    return sentence_case(registry().boundary(level).plural)


def palette_label(name: str, indicator: str) -> str:
    """A palette's picker label; the default names the indicator's own palette."""
    if name == DEFAULT_PALETTE:
        own = registry().indicator(indicator).palette
        return f"Indicator's own ({PALETTES[own].label})"
    return PALETTES[name].label


def source_caption(spec: IndicatorSpec) -> str:
    """One line naming an indicator's source, period and licence, for captions under tables and charts."""
    source = registry().sources[spec.source]
    return f"Source: {source.publisher}, {source.title}; period {spec.period}. {source.licence}."


def source_lines(indicator_id: str) -> list[str]:
    """Source, vintage and licence lines for an indicator and the boundaries (a CSV's ``#`` header)."""
    spec = registry().indicator(indicator_id)
    source = registry().sources[spec.source]
    return [f"{spec.label} ({spec.unit}), period {spec.period}",
            f"Source: {source.publisher}, {source.title}, {source.vintage}",
            f"Licence: {source.licence}. {source.attribution}",
            registry().sources["ons_boundaries"].attribution]


def overlay_attribution(overlay_ids: Iterable[str]) -> str:
    """The attribution of the overlay groups drawn, as one line."""
    specs = overlay_specs()
    return " ".join(specs[o].attribution for o in overlay_ids)


def source_statement(key: str, *, markdown: bool = False) -> str:
    """One source in full: publisher (bold in Markdown), title, vintage, licence and attribution."""
    source = registry().sources[key]
    publisher = f"**{source.publisher}**" if markdown else source.publisher
    return f"{publisher}, {source.title} ({source.vintage}). {source.licence}. {source.attribution}"


def footer_lines(spec: IndicatorSpec, *, overlays: Iterable[str] = (), extra_sources: Iterable[str] = (),
                 nearby_method: str | None = None, upload_name: str | None = None,
                 basemap_attribution: str | None = None) -> list[str]:
    """Markdown bullet lines naming every source and licence of what a page shows.

    ``extra_sources`` are keys of further sources shown (e.g. the postcode lookup); ``upload_name`` must already be
    safe for Markdown (it is the user's own file name).
    """
    lines = []
    for key in dict.fromkeys([spec.source, "ons_boundaries", "ons_lookups", *extra_sources]):
        lines.append("- " + source_statement(key, markdown=True))
    overlays = list(overlays)
    specs = overlay_specs()
    for overlay_id in overlays:
        overlay = specs[overlay_id]
        lines.append(f"- **{overlay.label}**: {overlay.source} {overlay.licence}")
    if overlays and nearby_method:
        lines.append(f"- Who lives near: {nearby_method}; {NEARBY_SOURCES}.")
    if upload_name is not None:
        lines.append(f"- **Your layer: {upload_name}**: from your upload, not checked by this site; "
                     "kept in this session's memory only.")
    if basemap_attribution:
        lines.append(f"- Basemap: {basemap_attribution}")
    return lines


def table_number_format(number_format: str) -> str | None:
    """A spreadsheet-style (printf) number format close to an indicator's Python format, for table columns that
    must sort on the numbers; ``None`` when there is no close one."""
    if "%}" in number_format:
        return "percent"
    if "," in number_format:
        return "localized"
    match = re.fullmatch(r"([^{}]*)\{:\.(\d)f\}([^{}]*)", number_format)
    if match:
        prefix, digits, suffix = match.groups()
        return f"{prefix}%.{digits}f{suffix.replace('%', '%%')}"
    return None


def hex_note(level: str, region: str) -> str:
    """What a hex map of ``level`` in ``region`` is, for its reader: one equal hexagon per area, who placed them,
    and how many neighbouring areas stay side by side (from the build report; left out when it has no figure)."""
    from mapkit.data.hexes import hex_neighbours

    kept = hex_neighbours(level, region)
    plural = registry().boundary(level).plural
    one = singular_label(level)
    if level == "ward":
        placed = f"in a layout computed for {region_name(region)} from the {plural}' positions"
    else:
        placed = "placed as in Open Innovations' layout"
    figures = ""
    if kept is not None:
        where = "" if kept.computed else "England's "
        figures = (f" It keeps {kept.kept:,} of {where}{kept.pairs:,} pairs of neighbouring {plural} "
                   f"({kept.share:.0%}) side by side.")
    return (f"Hex map: each {one} is one equal hexagon, {placed}.{figures} Positions are approximate; hexagon "
            "sizes show neither area nor population.")


def hex_headline(level: str, region: str) -> str:
    """The hex map's note in one line, for a folded box: who made the layout, and for a computed one how many
    neighbours stay side by side ("Hex map: layout computed; 71% of neighbouring wards stay side by side")."""
    from mapkit.data.hexes import hex_neighbours

    if level != "ward":
        return f"Hex map: one hexagon per {singular_label(level)}, Open Innovations' layout"
    kept = hex_neighbours(level, region)
    plural = registry().boundary(level).plural
    if kept is None:
        return f"Hex map: one hexagon per {singular_label(level)}, layout computed"
    return f"Hex map: layout computed; {kept.share:.0%} of neighbouring {plural} stay side by side"


def singular_label(level: str) -> str:
    """One area of ``level`` inside a sentence: "ward", "district", "LSOA (neighbourhood)"."""
    label = registry().boundary(level).label
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def publisher_short(publisher: str) -> str:
    """A publisher's abbreviation when its name ends with one in brackets ("... (MHCLG)"), else the name."""
    match = re.search(r"\(([^()]+)\)\s*$", publisher)
    return match.group(1) if match else publisher


def tooltip_unit(spec: IndicatorSpec) -> str:
    """The unit after a formatted value in the tooltip: "9.1%" reads on as "of people"; "%" adds nothing."""
    if spec.unit_kind == "percent":
        return spec.unit.removeprefix("%").strip()
    return spec.unit


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def series_caveats(spec: SeriesSpec, *, markdown: bool = False) -> list[str]:
    """ONS's caveats on a series (``caveats`` in ``layers/series.toml``, ONS's own words), one paragraph each.

    ONS writes links in Markdown; as plain text (CSV, XLSX, PDF footers) a link becomes "text (address)". The
    note on revisions since an earlier snapshot is ours, not ONS's: see :func:`series_notes`.
    """
    paragraphs = [p.strip() for p in spec.caveats.split("\n\n") if p.strip()]
    if not markdown:
        paragraphs = [_MARKDOWN_LINK.sub(r"\1 (\2)", p) for p in paragraphs]
    return paragraphs


def series_caveat_heading(spec: SeriesSpec) -> str:
    """The line that introduces :func:`series_caveats` wherever the series is shown."""
    return f"Notes from {registry().sources[spec.source].publisher} on this series (release of {spec.release_date}):"


def series_notes(spec: SeriesSpec, *, markdown: bool = False) -> list[str]:
    """Every note a series carries: ONS's caveats under their heading, then our note on revisions (for the About
    sheet of a download, a CSVW file, a page's footnotes and, as Markdown with ONS's links, beside the series on
    screen)."""
    caveats = series_caveats(spec, markdown=markdown)
    lines = [series_caveat_heading(spec), *caveats] if caveats else []
    if spec.experimental:
        lines.append("ONS publishes this series as official statistics in development.")
    if spec.revision_note:
        lines.append(f"Revisions: {spec.revision_note}")
    return lines


def median_heading(plural: str, region_name: str = "England") -> str:
    """The one name of a median of areas: "Median of England's wards", or "Median of wards in West Midlands" for a
    region (a page whose region is England shows England's median once, not as a second column)."""
    return f"Median of England's {plural}" if region_name == "England" else f"Median of {plural} in {region_name}"
