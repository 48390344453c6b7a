"""The legend panel of a static map: classes worst first with counts, "no data", then the overlays' status key.

The panel is an ``Axes`` measured in inches from its top-left corner, and rows are stacked downwards, so text sizes
in points and swatch sizes in inches stay in proportion on every page size.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from mapkit.text.ranks import colour_key
from mapkit.export import cartography as carto
from mapkit.analysis.map_data import MapData
from mapkit.export.page_text import COMPACT, GREY_TEXT, SIZES, Sizes, Stack
from mapkit.export.wording import reference_note
from mapkit.specs.registry import overlay_declarations, overlay_specs

def _class_rows(stack: Stack, data: MapData, s: Sizes) -> None:
    c, spec = data.classification, data.spec
    order = range(c.k) if spec.higher_is == "better" else range(c.k - 1, -1, -1)
    counts = c.counts
    rows = [(c.labels[i], counts[i], data.colours[i]) for i in order]
    for label, count, colour in [*rows, ("No data", c.n_missing, None)]:
        top = stack.y + (s.row_h - s.swatch_h) / 2
        if colour is None:
            stack.ax.add_patch(carto.no_data_swatch((0, top), s.swatch_w, s.swatch_h, data.ramp.no_data))
        else:
            stack.ax.add_patch(Rectangle((0, top), s.swatch_w, s.swatch_h, facecolor=colour, edgecolor="#999999",
                                         linewidth=0.4))
        middle = stack.y + s.row_h / 2
        stack.ax.text(s.swatch_w + 0.1, middle, label, fontsize=s.row, va="center", ha="left", color=carto.INK)
        stack.ax.text(stack.width, middle, f"({count:,})", fontsize=s.row - 0.5, va="center", ha="right",
                      color=GREY_TEXT)
        stack.y += s.row_h


def _status_counts(data: MapData) -> pd.Series:
    frames = [f for f in data.overlays.values() if len(f)]
    if not frames:
        return pd.Series(dtype=int)
    return pd.concat([f["status_category"] for f in frames]).value_counts()


def approximate_note(approximate: int, total: int) -> str:
    """"12 of the 80 markers are approximate locations", with the grammar of small counts."""
    if total == 1:
        return "The marker is an approximate location."
    if approximate == total:
        return f"All {total:,} markers are approximate locations."
    verb = "is an approximate location" if approximate == 1 else "are approximate locations"
    return f"{approximate:,} of the {total:,} markers {verb}."


def _overlay_rows(stack: Stack, data: MapData, s: Sizes) -> None:
    counts = _status_counts(data)
    declarations = overlay_declarations()
    shown = {oid: f for oid, f in data.overlays.items() if len(f)}
    has_lines = any((f.geom_type == "LineString").any() for f in shown.values())
    has_zones = any(f.geom_type.isin(["MultiPolygon", "Polygon"]).any() for f in shown.values())
    markers = [carto.marker_shape(oid) for oid, f in shown.items() if (f.geom_type == "Point").any()]
    stack.text("Overlays: status", fontsize=s.heading - 1, weight="bold")
    stack.skip(0.03)
    if counts.empty:
        stack.text("No overlay feature in this area.", fontsize=s.note, colour=GREY_TEXT)
        return
    sample_w = 0.3
    for category in declarations.status.order:
        if category not in counts:
            continue
        look = carto.status_look(category, greyscale=data.ramp.greyscale)
        middle = stack.y + s.row_h / 2
        x = 0.0
        if has_lines:
            stack.ax.add_line(Line2D([x + 0.02, x + sample_w - 0.02], [middle, middle], color=look.stroke,
                                     linewidth=carto.OVERLAY.line_width, dashes=carto.dash_sequence(look.line_dashes),
                                     dash_capstyle=look.capstyle, solid_capstyle="butt"))
            x += sample_w + 0.06
        if has_zones:
            stack.ax.add_patch(Rectangle((x + 0.02, middle - s.row_h * 0.3), 0.2, s.row_h * 0.6, fill=False,
                                         edgecolor=look.stroke, linewidth=carto.OVERLAY.zone_width,
                                         linestyle=look.line_dashes, capstyle=look.capstyle, clip_on=False))
            x += 0.28
        for marker in dict.fromkeys(markers):
            carto.marker_scatter(stack.ax, [x + 0.07], [middle], marker, look, clip_on=False)
            x += 0.2
        hollow = " (hollow)" if look.hollow else ""
        label = f"{declarations.status.label(category)}{hollow}"
        stack.ax.text(max(x, 0.5) + 0.04, middle, label, fontsize=s.row, va="center", ha="left", color=carto.INK)
        stack.ax.text(stack.width, middle, f"({int(counts[category]):,})", fontsize=s.row - 0.5, va="center",
                      ha="right", color=GREY_TEXT)
        stack.y += s.row_h
    stack.skip(0.03)
    specs = overlay_specs()
    notes = []
    for overlay_id, frame in shown.items():
        shape = "Squares" if carto.marker_shape(overlay_id) == "s" else "Circles"
        notes.append(f"{shape} ({int((frame.geom_type == 'Point').sum()):,}): {specs[overlay_id].label.lower()}.")
    n_lines = sum(int((f.geom_type == "LineString").sum()) for f in shown.values())
    if n_lines:
        line_label = declarations.subtype_label("line")
        notes.append(f"Lines ({n_lines:,}): {line_label[0].lower()}{line_label[1:]}.")
    n_zones = sum(int(f.geom_type.isin(["MultiPolygon", "Polygon"]).sum()) for f in shown.values())
    if n_zones:
        rough = sum(int(f["ward_codes_approximate"].eq(True).sum()) for f in shown.values()
                    if "ward_codes_approximate" in f)
        notes.append(f"Outlined areas ({n_zones:,}): zones and corridors drawn as the May 2024 wards the research "
                     f"names{f', {rough:,} of them approximate' if rough else ''}.")
    approximate = sum(int(f.loc[f.geom_type == "Point", "approximate_location"].fillna(False).astype(bool).sum())
                      for f in shown.values() if "approximate_location" in f)
    if approximate:
        total = sum(int((f.geom_type == "Point").sum()) for f in shown.values())
        notes.append(approximate_note(approximate, total))
    notes.append("(n) = features shown.")
    stack.text(" ".join(notes), fontsize=s.note, colour=GREY_TEXT)


def _draw(stack: Stack, data: MapData, s: Sizes, label_note: str) -> None:
    if data.versus is not None:  # two measures: the 3 x 3 key
        from mapkit.export.bivariate_legend import draw_versus_legend

        draw_versus_legend(stack, data, s)
    else:
        stack.text(data.spec.label, fontsize=s.heading + 1, weight="bold")
        stack.text(f"Unit: {data.spec.unit}", fontsize=s.note + 0.5, colour=GREY_TEXT)
        stack.skip(0.05)
        _class_rows(stack, data, s)
        stack.skip(0.05)
        key = colour_key(data.spec.higher_is, data.classification.centre_label)
        stack.text(f"{key}. {reference_note(data)} (n) = areas on this map.",
                   fontsize=s.note, colour=GREY_TEXT)
    if label_note:
        stack.skip(0.04)
        stack.text(label_note, fontsize=s.note, colour=GREY_TEXT)
    if data.overlays:
        stack.skip(s.gap + 0.05)
        _overlay_rows(stack, data, s)


def draw_legend(ax: Axes, data: MapData, *, width: float, height: float, label_note: str = "") -> float:
    """Draw the legend panel, compacted if needed; returns the height used in inches (> ``height``: overflow)."""
    for sizes in (SIZES, COMPACT):
        ax.clear()
        stack = Stack(ax, width, height)
        _draw(stack, data, sizes, label_note)
        if stack.y <= height:
            break
    return stack.y
