"""The briefing pack's scorecard pages: one A4 page per scheme drawn on the map (:mod:`mapkit.analysis.scorecard`).

Each page says what the figures can say about the scheme (not open, opened after the latest figures, or open: the
figures describe the place, never the scheme's effect), then who lives in or near it, how their neighbourhoods
moved between IoD2019 and IoD2025 beside the combined authority and England, and the growth of the districts it
sits in. The text is built first (:func:`page_text`), so tests can read what a page says.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mapkit.analysis.map_data import MapData
from mapkit.analysis.scorecard import (DISTRICT_MIN_SHARE, GROWTH_SERIES, MOVES, Scorecard, scorecards_for,
                                      usable_period)
from mapkit.export import cartography as carto
from mapkit.export.page_text import GREY_TEXT, line_height, wrap
from mapkit.export.options import PAGES
from mapkit.export.page_text import ROW_HEIGHT, STRIPE, fit_text
from mapkit.export.scorecards import METHOD, sources
from mapkit.export.static import FOOTER_SIZE, MARGIN, TITLE_SIZE, export_style
from mapkit.specs.registry import registry

__all__ = ["PageText", "page_text", "scorecard_page", "scorecard_pages", "pack_scorecards"]

TABLE_SIZE = 8.0
EFFECT_FILL = "#fff4d6"


@dataclasses.dataclass(frozen=True)
class Table:
    """A small table: headings, rows of cell text, column widths (inches, 0 = the rest) and alignments."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    aligns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class PageText:
    """Everything a scorecard page says, in reading order."""

    title: str
    subtitle: str
    effect: str
    residents: str
    who: Table
    moved: Table
    moved_note: str
    growth: Table
    growth_notes: tuple[str, ...]
    footer: tuple[str, ...]


def _pct(share: float | None) -> str:
    if share is None or share != share:
        return "no data"
    return "under 0.1%" if 0 < share < 0.0005 else f"{100 * share:.1f}%"


def _people(value: float) -> str:
    return f"{round(value, -1):,.0f}" if value >= 10 else f"{value:,.0f}"


def _scopes(card: Scorecard) -> list[tuple[str, str]]:
    scopes = [("scheme", "This scheme")]
    if card.scheme.ca_code:
        scopes.append(("ca", card.ca_name or card.scheme.ca_code))
    return scopes + [("england", "England")]


def _growth_cell(series_id: str, row: pd.Series | None) -> str:
    if row is None:
        return ""
    spec = registry().one_series(series_id)
    change = row["change"]
    if change != change:
        return "no data"
    amount = f"{change:+.1f} pts" if row["unit"] == "percentage points" else f"{change:+.1f}%"
    return f"{spec.format_value(row['start_value'])} to {spec.format_value(row['end_value'])}: {amount}"


def page_text(card: Scorecard) -> PageText:
    """What a scheme's page says (figures rounded for reading; the CSV keeps more digits)."""
    scheme = card.scheme
    date = f", status date {scheme.status_date}" if scheme.status_date else ""
    where = f"; {card.ca_name}" if card.ca_name else ""
    subtitle = f"Scorecard. {scheme.group}: {scheme.kind}. {scheme.status_label}{date}{where}."
    scopes = _scopes(card)
    lsoas = len(card.members)
    residents = (f"About {_people(card.residents)} residents (Census 2021) live {card.counted}, in {lsoas} "
                 f"LSOA{'s' if lsoas != 1 else ''}.")
    heads = ("Share of residents", *(name for _, name in scopes))
    widths = (2.25, *(0.0 if i == len(scopes) - 1 else 1.05 for i in range(len(scopes))))
    aligns = ("left", *("right" for _ in scopes))
    share_key = {"scheme": "here", "ca": "ca", "england": "england"}
    who = Table(
        "Who lives there, by IoD2025 (IMD)", heads,
        tuple((f"In England's most deprived {top}%", *(_pct(card.most_deprived_share(share_key[k], deciles))
                                                     for k, _ in scopes))
              for top, deciles in ((10, (1,)), (20, (1, 2)))), widths, aligns)
    moved = Table(
        "How their neighbourhoods moved, IoD2019 to IoD2025", ("Share of residents whose LSOA", *heads[1:]),
        tuple((words[0].upper() + words[1:], *(_pct(card.moves[k][f"{key}_share"]) for k, _ in scopes))
              for key, _, _, words in MOVES), widths, aligns)
    left_out = card.moves["scheme"]["not_compared"]
    moved_note = ("Shares of the residents of LSOAs that can be compared across the 2011 to 2021 LSOA changes"
                  + (f"; about {_people(left_out)} of its residents live in LSOAs that cannot be." if left_out >= 0.5
                     else "; every one of its LSOAs can be.")
                  + " The CA and England: all their LSOAs.")
    growth, notes = _growth(card)
    footer = (f"Method: {METHOD}", *(f"Source: {line}" for line in sources()))
    return PageText(title=scheme.name, subtitle=subtitle, effect=card.effect, residents=residents,
                    who=who, moved=moved, moved_note=moved_note, growth=growth, growth_notes=notes, footer=footer)


def _growth(card: Scorecard) -> tuple[Table, tuple[str, ...]]:
    table = card.growth
    periods = table.drop_duplicates("series_id").set_index("series_id")[["start", "end"]]
    same = len(periods.drop_duplicates()) == 1
    heads = ["Area", "Share of its residents"]
    for series_id in GROWTH_SERIES:
        label = registry().one_series(series_id).label
        start, end = periods.loc[series_id]
        heads.append(label if same else f"{label}, {start} to {end}")
    rows = []
    for _, group in table.groupby("area_code", sort=False):
        first = group.iloc[0]
        by_series = {r["series_id"]: r for _, r in group.iterrows()}
        share = "" if first["area_level"] != "lad" else _pct(first["residents_share"])
        kind = {"ca": " (CA)", "england": ""}.get(first["area_level"], "")
        rows.append((f"{first['area_name']}{kind}", share,
                     *(_growth_cell(s, by_series.get(s)) for s in GROWTH_SERIES)))
    notes = []
    small = card.small_districts
    if len(small):
        from mapkit.data.products import region_name

        names = ", ".join(f"{region_name(c)} ({_pct(s)})" for c, s in small.items())
        notes.append(f"Left out: districts holding under {DISTRICT_MIN_SHARE:.0%} of its residents: {names}.")
    gaps = table[table["note"].fillna("") != ""]
    for row in gaps.drop_duplicates(["area_code", "note"]).itertuples():
        notes.append(f"{row.area_name}: {row.note}")
    releases = "; ".join(f"{registry().one_series(s).label} released {registry().one_series(s).release_date}"
                         for s in GROWTH_SERIES)
    notes.append(f"ONS figures as published ({releases}); change in percent, in percentage points (pts) for the "
                 "employment rate. These describe the districts, not the scheme.")
    start, end = periods.iloc[0]
    title = ("Growth where it sits" + (f", {start} to {end}" if same else "")
             + ": the districts holding its residents, its combined authority and England (ONS)")
    return Table(title, tuple(heads), tuple(rows), (2.3, 1.35, 0.0, 2.4, 2.7),
                 ("left", "right", "right", "right", "right")), tuple(notes)


def _fit_cell(text: str, width: float, size: float) -> tuple[str, float]:
    """``fit_text`` only for text that might not fit: measuring every cell's glyphs took most of a page's time."""
    if len(text) * size * 0.7 / 72 <= width:  # no DejaVu Sans glyph but "W" and "m" is wider than 0.7 em
        return text, size
    return fit_text(text, width, size, smallest=6.0)


def _draw_table(ax: Axes, table: Table, top: float, width: float) -> float:
    """Draw ``table`` from ``top`` (inches down the axes) across ``width``; return the next free position."""
    widths = list(table.widths)
    rest = width - sum(widths)
    widths = [w or rest for w in widths]
    ax.text(0, top, table.title, fontsize=9.5, fontweight="bold", va="top", color=carto.INK)
    y = top + 0.32
    x = 0.0
    for heading, w, align in zip(table.headings, widths, table.aligns):
        text, size = _fit_cell(heading, w - 0.25, 7.5)
        ax.text(x + (w - 0.05 if align == "right" else 0), y, text, fontsize=size, color=GREY_TEXT, ha=align,
                va="center", fontweight="bold")
        x += w
    ax.plot([0, width], [y + 0.12, y + 0.12], color=carto.INK, linewidth=0.6)
    y += 0.12 + ROW_HEIGHT / 2
    for i, row in enumerate(table.rows):
        if i % 2 == 0:
            ax.add_patch(Rectangle((0, y - ROW_HEIGHT / 2), width, ROW_HEIGHT, facecolor=STRIPE, edgecolor="none"))
        x = 0.0
        for cell, w, align in zip(row, widths, table.aligns):
            text, size = _fit_cell(cell, w - 0.1, TABLE_SIZE)
            ax.text(x + (w - 0.05 if align == "right" else 0), y, text, fontsize=size, ha=align, va="center",
                    color=carto.INK)
            x += w
        y += ROW_HEIGHT
    return y


def scorecard_page(card: Scorecard) -> Figure:
    """One scheme's A4 (landscape) scorecard page."""
    text = page_text(card)
    page = PAGES["a4"]
    w, h = page.width, page.height
    width = w - 2 * MARGIN
    with export_style():
        fig = Figure(figsize=(w, h), facecolor="white")
        FigureCanvasAgg(fig)
        ax = fig.add_axes((MARGIN / w, MARGIN / h, width / w, (h - 2 * MARGIN) / h))
        ax.set_xlim(0, width)
        ax.set_ylim(h - 2 * MARGIN, 0)
        ax.set_axis_off()

        def lines(texts: Sequence[str], y: float, size: float, colour: str = carto.INK, weight: str = "normal",
                  indent: float = 0.0, span: float = width) -> float:
            """Wrapped paragraphs as one text object (one draw, not one per line); returns the next free y."""
            wrapped = [part for t in texts for part in wrap(t, span - indent, size)]
            ax.text(indent, y, "\n".join(wrapped), fontsize=size, color=colour, fontweight=weight, va="top",
                    linespacing=1.3)
            return y + len(wrapped) * line_height(size, 1.3)

        y = lines([text.title], 0.0, TITLE_SIZE - 3, weight="bold")
        y = lines([text.subtitle], y + 0.04, 9.0, "#333333")
        effect = wrap(text.effect, width - 0.3, 9.0)
        box = len(effect) * line_height(9.0, 1.3) + 0.16
        ax.add_patch(Rectangle((0, y + 0.1), width, box, facecolor=EFFECT_FILL, edgecolor="#d9b44a",
                               linewidth=0.6))
        lines([text.effect], y + 0.18, 9.0, indent=0.15, span=width - 0.15)
        y += box + 0.3
        y = lines([text.residents], y, 9.5)
        half = (width - 0.4) / 2
        left = ax.inset_axes((0, 0, half / width, 1), transform=ax.transAxes)
        right = ax.inset_axes(((half + 0.4) / width, 0, half / width, 1), transform=ax.transAxes)
        for part in (left, right):
            part.set_xlim(0, half)
            part.set_ylim(h - 2 * MARGIN, 0)
            part.set_axis_off()
        after = max(_draw_table(left, text.who, y + 0.12, half), _draw_table(right, text.moved, y + 0.12, half))
        y = lines([text.moved_note], max(after, y) + 0.08, 7.5, GREY_TEXT)
        y = _draw_table(ax, text.growth, y + 0.22, width)
        y = lines(text.growth_notes, y + 0.05, 7.5, GREY_TEXT)
        footer = [part for t in text.footer for part in wrap(t, width, FOOTER_SIZE)]
        lines(text.footer, h - 2 * MARGIN - len(footer) * line_height(FOOTER_SIZE, 1.3), FOOTER_SIZE, GREY_TEXT)
    return fig


_PACK_CARDS: weakref.WeakKeyDictionary[MapData, list[Scorecard]] = weakref.WeakKeyDictionary()


def pack_scorecards(data: MapData) -> list[Scorecard]:
    """The scorecards of the schemes drawn on ``data``'s map (made once per map: the PDF and the CSV share them);
    the growth period is the view's change period when every growth series publishes both years, else the latest
    ten years ONS publishes."""
    if data not in _PACK_CARDS:
        _PACK_CARDS[data] = scorecards_for(data.overlays, period=usable_period(data.view.change))
    return _PACK_CARDS[data]


def scorecard_pages(data: MapData, cards: Sequence[Scorecard] | None = None) -> list[Figure]:
    """One page per scheme drawn on the map, in group and name order."""
    cards = pack_scorecards(data) if cards is None else cards
    return [scorecard_page(card) for card in cards]
