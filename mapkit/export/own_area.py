"""A user's own area exported (:class:`mapkit.analysis.own_area.OwnAreaProfile`), as bytes for download buttons and
the command line: its profile as JSON, its measures as a tidy CSV, its LSOAs with their weights as CSV, its outline
as GeoJSON (read back by :func:`mapkit.data.own_areas.from_geojson` and the upload reader), and PNG / PDF pages:
the IMD map with the area's outline, and (PDF) a profile page. Every page and table names its sources.
"""

from __future__ import annotations

import dataclasses
import json
import math
import textwrap
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.figure import Figure

from mapkit.analysis.own_area import METHOD, OwnAreaProfile
from mapkit.data.io import BNG, WGS84
from mapkit.data.own_areas import to_geojson
from mapkit.data.products import ENGLAND
from mapkit.errors import UnknownNameError
from mapkit.export.naming import slug
from mapkit.text.csvsafe import csv_text

__all__ = ["FORMATS", "OwnAreaFormat", "export_own_area", "file_name", "lsoas_table", "map_page", "profile_page"]

OUTLINE_COLOUR = "#000000"
OUTLINE_WIDTH = 2.4
LSOA_LEVEL_SPAN_M = 60_000.0
"""An outline wider or taller than this is mapped over wards, a smaller one over LSOAs."""
FRAME_PAD = 0.15
OVERLAYS_SHOWN = 10
GROWTH_SHOWN = ("gva_per_hour", "gdhi_per_head", "employment_rate_16_64")
"""ONS series on the profile page (every series is in the JSON)."""


def profile_json(profile: OwnAreaProfile) -> bytes:
    """The profile (:meth:`OwnAreaProfile.to_dict`) as indented JSON; missing figures are ``null``."""
    return json.dumps(profile.to_dict(), indent=2, ensure_ascii=False, allow_nan=False).encode("utf-8") + b"\n"


def measures_csv(profile: OwnAreaProfile) -> bytes:
    """The tidy table of its measures (``area_code, area_name, area_level, indicator_id, indicator, period, value,
    unit, source, method``)."""
    return csv_text(profile.tidy()).encode("utf-8")


def lsoas_table(profile: OwnAreaProfile) -> pd.DataFrame:
    """Its LSOAs with how much each counts: residents, share of area inside, weight and residents counted."""
    m = profile.members
    return pd.DataFrame({
        "lsoa_code": m["code"], "lsoa_name": m["name"], "ward_code": m["ward_code"], "ward_name": m["ward_name"],
        "lad_code": m["lad_code"], "lad_name": m["lad_name"], "ca_code": m["ca_code"], "ca_name": m["ca_name"],
        "imd_decile": m["decile"], "residents": m["population"], "area_share_inside": m["inside"].round(6),
        "weight": m["weight"].round(6), "counted": m["how"],
        "residents_counted": (m["population"] * m["weight"]).round(2)}).reset_index(drop=True)


def lsoas_csv(profile: OwnAreaProfile) -> bytes:
    """:func:`lsoas_table` as CSV after ``#`` lines naming the area, the method and every source."""
    header = [f"# {profile.area.name} ({profile.area.description}): {profile.sentence()}", f"# Method: {METHOD}",
              *(f"# {line}" for line in profile.sources())]
    return csv_text(lsoas_table(profile), header_lines=[line + "\n" for line in header]).encode("utf-8")


def outline_geojson(profile: OwnAreaProfile) -> bytes:
    return to_geojson(profile.area)


# --- pages ----------------------------------------------------------------------------------------------------------

def _map_data(profile: OwnAreaProfile):
    """The national IMD deciles around the outline: LSOAs (wards for a large area) meeting its padded frame."""
    from mapkit.analysis.map_data import prepare
    from mapkit.view import View

    (outline,) = gpd.GeoSeries([profile.area.geometry], crs=WGS84).to_crs(BNG)
    west, south, east, north = outline.bounds
    level = "lsoa" if max(east - west, north - south) <= LSOA_LEVEL_SPAN_M else "ward"
    data = prepare(View(region=ENGLAND, level=level, indicator="imd_score", scheme="national_deciles"))
    pad = FRAME_PAD * max(east - west, north - south, 2_000.0)
    frame_box = gpd.GeoSeries([shapely.box(west - pad, south - pad, east + pad, north + pad)], crs=BNG)
    near = data.frame.representative_point().within(frame_box.to_crs(WGS84).iloc[0]).to_numpy()
    classification = dataclasses.replace(data.classification, classes=data.classification.classes[near])
    return dataclasses.replace(data, frame=data.frame[near], classification=classification), outline


def map_page(profile: OwnAreaProfile) -> Figure:
    """An A4 page: IMD 2025 national deciles around the area, its outline in black over them, sources below."""
    from mapkit.export import cartography as carto
    from mapkit.export.static import export_style, map_figure

    data, outline = _map_data(profile)
    plural = "LSOAs" if data.view.level == "lsoa" else "wards"
    drawn = map_figure(data, heading=f"{profile.area.name}: IMD 2025 of the {plural} around it (black outline)")
    with export_style():
        carto.add_polygons(drawn.map_axes, [outline], facecolors="none", edgecolors=OUTLINE_COLOUR,
                           linewidths=OUTLINE_WIDTH, zorder=carto.Z_FURNITURE - 0.5,
                           path_effects=carto.casing(OUTLINE_WIDTH))
    return drawn.figure


def _rank(row) -> str:
    if pd.isna(row.rank_wards):
        return ""
    return f"{_ordinal(int(row.rank_wards))} of {int(row.n_wards):,} wards"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _number(value: float, unit: str) -> str:
    if value is None or not math.isfinite(value):
        return "no data"
    return f"{value:.1f}%" if unit.startswith("%") else f"{value:,.0f}"


def profile_page(profile: OwnAreaProfile) -> Figure:
    """An A4 landscape page: the headline, residents by IMD decile beside the combined authority and England, every
    measure with its rank among England's wards, the movement since IoD2019, the districts' growth, the overlays
    inside, then the method and every source."""
    from mapkit.export.legend import GREY_TEXT
    from mapkit.export.options import PAGES
    from mapkit.export.static import MARGIN, SUBTITLE_SIZE, TITLE_SIZE, export_style

    page = PAGES["a4"]
    with export_style():
        fig = Figure(figsize=(page.width, page.height), facecolor="white")
        column = _Column(fig, MARGIN, page.height - MARGIN)
        column.write([(f"{profile.area.name}: profile", "bold")], TITLE_SIZE, width=page.width - 2 * MARGIN)
        column.write([(profile.sentence(), "normal")], SUBTITLE_SIZE - 1, width=page.width - 2 * MARGIN,
                     colour="#333333")
        body_top = column.y - 0.15
        chart = [MARGIN + 0.45, body_top - 2.35, 3.9, 2.1]
        _deciles(fig.add_axes([chart[0] / page.width, chart[1] / page.height, chart[2] / page.width,
                               chart[3] / page.height]), profile)
        footer = [f"Method: {METHOD}", *profile.notes, *profile.sources()]
        floor = MARGIN + _Column.height(fig, footer, FOOTER_PT, page.width - 2 * MARGIN) + 0.12
        _Column(fig, 5.3, body_top).write(_measure_lines(profile) + _overlay_lines(profile), BODY_SIZE,
                                          width=page.width - MARGIN - 5.3, floor=floor)
        _Column(fig, MARGIN, chart[1] - 0.5).write(_lower_lines(profile), BODY_SIZE - 0.4, width=4.75, floor=floor)
        _Column(fig, MARGIN, floor - 0.12).write([(line, "normal") for line in footer], FOOTER_PT,
                                                           width=page.width - 2 * MARGIN, colour=GREY_TEXT)
    return fig


BODY_SIZE = 7.2
FOOTER_PT = 5.0


class _Column:
    """Text written downwards from ``top`` (inches from the page's bottom edge), wrapped to a width in inches."""

    def __init__(self, fig: Figure, x: float, top: float) -> None:
        self.fig, self.x, self.y = fig, x, top

    @staticmethod
    def _wrapped(text: str, size: float, width: float) -> list[str]:
        return textwrap.wrap(text, max(20, int(width * 72 / (size * 0.56))), subsequent_indent="    ") or [""]

    @staticmethod
    def height(fig: Figure, lines: list[str], size: float, width: float) -> float:
        return sum(len(_Column._wrapped(t, size, width)) for t in lines) * size * 1.35 / 72

    def write(self, lines: list[tuple[str, str]], size: float, *, width: float, colour: str = "#1a1a1a",
              floor: float = 0.0) -> None:
        """Write ``(text, weight)`` lines; below ``floor`` the rest is left out with a line saying where it is."""
        page_w, page_h = self.fig.get_size_inches()
        step = size * 1.35 / 72
        for text, weight in lines:
            for piece in self._wrapped(text, size, width):
                if self.y - 2 * step < floor:
                    self.fig.text(self.x / page_w, self.y / page_h, "... the rest is in the CSV and JSON exports.",
                                  fontsize=size, va="top", color=colour)
                    self.y -= step
                    return
                self.fig.text(self.x / page_w, self.y / page_h, piece, fontsize=size, weight=weight, va="top",
                              color=colour)
                self.y -= step


def _deciles(ax, profile: OwnAreaProfile) -> None:
    table = profile.deciles
    width = 0.27
    series = [("share", profile.area.name[:40], "#1b4f72")]
    if profile.ca_name:
        series.append(("ca_share", profile.ca_name[:40], "#8fa9bf"))
    series.append(("england_share", "England", "#c8c8c8"))
    for i, (column, label, colour) in enumerate(series):
        ax.bar(table["decile"] + (i - (len(series) - 1) / 2) * width, 100 * table[column], width=width,
               color=colour, label=label)
    ax.set_xticks(list(table["decile"]))
    ax.set_xlabel("IoD2025 IMD national decile (1 = most deprived 10% of LSOAs)", fontsize=7)
    ax.set_ylabel("% of residents", fontsize=7)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6.5, frameon=False)
    ax.set_title("Residents by IMD decile", fontsize=9, loc="left")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _measure_lines(profile: OwnAreaProfile) -> list[tuple[str, str]]:
    lines = [("Measure (rank it would take among England's wards: 1st = most deprived, or the highest)", "bold")]
    theme = None
    for row in profile.measures.itertuples():
        if row.theme != theme:
            theme = row.theme
            lines.append((theme, "bold"))
        rank = _rank(row)
        lines.append((f"  {row.label}: {row.value_text}" + (f"  ({rank})" if rank else ""), "normal"))
    return lines


def _short(change: str) -> str:
    return change.replace(" percentage points", " pts")


def _overlay_lines(profile: OwnAreaProfile) -> list[tuple[str, str]]:
    inside = profile.overlays
    lines = [(f"Growth locations and transport schemes in it: {len(inside)}", "bold")]
    for row in inside.head(OVERLAYS_SHOWN).itertuples():
        lines.append((f"  {row.label}" + ("" if row.inside else " (partly inside)"), "normal"))
    if len(inside) > OVERLAYS_SHOWN:
        lines.append((f"  and {len(inside) - OVERLAYS_SHOWN} more (all in the JSON).", "normal"))
    return lines


def _lower_lines(profile: OwnAreaProfile) -> list[tuple[str, str]]:
    m = profile.movement.set_index("measure")["value"]
    lines = [("Change since IoD2019 (residents of LSOAs that can be compared)", "bold"),
             (f"  In the most deprived 10%: {_number(m['residents_most_deprived_10pct_2019'], '%')} (2019) -> "
              f"{_number(m['residents_most_deprived_10pct_2025'], '%')} (2025); in the most deprived 20%: "
              f"{_number(m['residents_most_deprived_20pct_2019'], '%')} -> "
              f"{_number(m['residents_most_deprived_20pct_2025'], '%')}", "normal"),
             ("Districts it touches, and their growth (ONS, over the last ten published years)", "bold")]
    shown = profile.districts.head(3)
    for row in shown.itertuples():
        growth = profile.growth[(profile.growth["lad_code"] == row.lad_code)
                                & profile.growth["series"].isin(GROWTH_SHOWN)]
        parts = [f"{g.label} {g.start}-{g.end} {_short(g.change_text)} (England {_short(g.england_change_text)})"
                 for g in growth.itertuples()]
        lines.append((f"  {row.lad_name} ({row.share:.0%} of its residents): " + "; ".join(parts), "normal"))
    if len(profile.districts) > len(shown):
        lines.append((f"  and {len(profile.districts) - len(shown)} more districts (all in the CSV and JSON).",
                      "normal"))
    return lines


def _png(profile: OwnAreaProfile) -> bytes:
    from mapkit.export.options import DEFAULT_DPI
    from mapkit.export.static import save

    return save(map_page(profile), "png", dpi=DEFAULT_DPI)


def _pdf(profile: OwnAreaProfile) -> bytes:
    import io

    from matplotlib.backends.backend_pdf import PdfPages

    from mapkit.export.static import SAVE_METADATA, export_style

    buffer = io.BytesIO()
    with export_style(), PdfPages(buffer, metadata={**SAVE_METADATA["pdf"], "Title": profile.area.name}) as pdf:
        for figure in (map_page(profile), profile_page(profile)):
            pdf.savefig(figure)
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class OwnAreaFormat:
    """One way to export an own area: label, file extension, MIME type and how to make its bytes."""

    label: str
    extension: str
    mime: str
    render: Callable[[OwnAreaProfile], bytes]


FORMATS: dict[str, OwnAreaFormat] = {
    "json": OwnAreaFormat("Profile (JSON)", "json", "application/json", profile_json),
    "csv": OwnAreaFormat("Measures (CSV, tidy)", "csv", "text/csv", measures_csv),
    "lsoas": OwnAreaFormat("LSOAs with their weights (CSV)", "lsoas.csv", "text/csv", lsoas_csv),
    "geojson": OwnAreaFormat("Outline (GeoJSON)", "geojson", "application/geo+json", outline_geojson),
    "png": OwnAreaFormat("Map with its outline (PNG)", "png", "image/png", _png),
    "pdf": OwnAreaFormat("Map and profile (PDF)", "pdf", "application/pdf", _pdf),
}


def export_own_area(profile: OwnAreaProfile, fmt: str) -> bytes:
    """The profile in format ``fmt`` (a key of :data:`FORMATS`)."""
    try:
        chosen = FORMATS[fmt]
    except KeyError:
        raise UnknownNameError(f"Unknown format {fmt!r} for an area: use one of {', '.join(FORMATS)}.") from None
    return chosen.render(profile)


def file_name(profile: OwnAreaProfile, fmt: str) -> str:
    """``<name>-<code>.<extension>``, e.g. ``east-birmingham-own-1a2b3c4d5e.pdf``."""
    return f"{slug(profile.area.name) or 'area'}-{profile.area.code}.{FORMATS[fmt].extension}"
