"""The briefing pack: one PDF (map page, then summary and the 10 worst and 10 best areas) and a ZIP set.

The ZIP holds the map as PNG, the data as a tidy CSV with its CSVW metadata (sources, licence, method), the summary
as plain text and the PDF, so one file carries everything a briefing needs.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mapkit.export import cartography as carto
from mapkit.export.page_text import GREY_TEXT, line_height, wrap
from mapkit.export.naming import file_stem
from mapkit.export.page_text import ROW_HEIGHT, STRIPE, fit_text
from mapkit.export.options import PAGES, FigureOptions
from mapkit.export.static import (
    FOOTER_SIZE,
    MARGIN,
    SAVE_METADATA,
    SUBTITLE_SIZE,
    TITLE_SIZE,
    export_style,
    footer_text,
    map_figure,
    save,
)
from mapkit.export.summary import summarise, summary_frame
from mapkit.export.trend import trend_page
from mapkit.analysis.map_data import MapData
from mapkit.export.wording import (
    VALUE_WORDS,
    in_sentence,
    is_deprivation,
    place,
    plural,
    subtitle,
    title,
    worst_best,
)
from mapkit.specs.registry import registry
from mapkit.analysis.ranking import rank_in_region
from mapkit.text.csvsafe import safe_text

TABLE_ROWS = 10
TABLE_SIZE = 8.0


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a ranking table: heading, width in inches, alignment and how a row is shown."""

    heading: str
    width: float
    align: str
    key: str


def ranked_areas(data: MapData) -> pd.DataFrame:
    """Areas with a figure, worst first, with their rank in the region (1 = worst)."""
    frame = summary_frame(data)
    frame["rank_region"] = rank_in_region(frame["value"], frame.get("rank"), data.spec.higher_is)
    return frame.dropna(subset=["rank_region"]).sort_values(["rank_region", "name"], kind="stable")


def extremes(data: MapData, n: int = TABLE_ROWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` worst areas (worst first) and the ``n`` best (best first), never listing an area twice."""
    ranked = ranked_areas(data)
    worst = ranked.head(n)
    best = ranked.iloc[len(worst):].tail(n).iloc[::-1]
    return worst, best


def table_headings(data: MapData, n_worst: int, n_best: int) -> tuple[str, str]:
    """"The 10 most deprived wards" / "The 10 wards with the lowest level 4+ qualifications"."""
    noun = plural(data.view.level)
    if is_deprivation(data):
        worst, best = worst_best(data)
        return f"The {n_worst} {worst} {noun}", f"The {n_best} {best} {noun}"
    high, low = VALUE_WORDS[data.spec.higher_is]
    label = in_sentence(data.spec.label)
    return f"The {n_worst} {noun} with the {high} {label}", f"The {n_best} {noun} with the {low} {label}"


def columns(data: MapData, width: float) -> list[Column]:
    from mapkit.web.encode import PARENT_NAME_COLUMN

    parent = PARENT_NAME_COLUMN.get(data.view.level)
    parent_label = {"lad_name": "District", "ca_name": "Combined authority"}.get(parent or "", "")
    fixed = [Column("#", 0.3, "left", "rank_region"), Column(f"Value ({data.spec.unit})", 0.9, "right", "value"),
             Column("Rank in England", 1.0, "right", "england"), Column("Decile", 0.45, "right", "decile")]
    rest = width - sum(c.width for c in fixed)
    name_width = rest * (0.64 if parent_label else 1.0)
    cols = [fixed[0], Column(registry().boundary(data.view.level).label, name_width, "left", "name")]
    if parent_label:
        cols.append(Column(parent_label, rest - name_width, "left", "parent"))
    return cols + fixed[1:]


def _cell(data: MapData, row: pd.Series, key: str) -> str:
    if key == "value":
        return data.spec.format_value(float(row["value"]))
    if key == "england":
        if pd.isna(row["rank"]) or pd.isna(row["n_ranked"]):
            return ""
        return f"{int(row['rank']):,} of {int(row['n_ranked']):,}"
    value = row[key]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return f"{int(value)}" if key in ("rank_region", "decile") else str(value)


def draw_table(ax: Axes, data: MapData, heading: str, rows: pd.DataFrame, *, width: float) -> float:
    """A ranking table in an inch-scaled axes: heading, column headings, striped rows; returns its height."""
    ax.set_xlim(0, width)
    height = ax.get_window_extent().height / ax.figure.dpi
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    ax.text(0, 0, heading, fontsize=10.5, fontweight="bold", va="top", color=carto.INK)
    cols = columns(data, width)
    y = 0.32
    x = 0.0
    for col in cols:
        heading_text, size = fit_text(col.heading, col.width - 0.05, 7.5, smallest=6.5)
        ax.text(x + (col.width - 0.05 if col.align == "right" else 0), y, heading_text,
                fontsize=size, color=GREY_TEXT, ha=col.align, va="center", fontweight="bold")
        x += col.width
    ax.plot([0, width], [y + 0.12, y + 0.12], color=carto.INK, linewidth=0.6)
    y += 0.12 + ROW_HEIGHT / 2
    return_y = y + len(rows) * ROW_HEIGHT
    for i, (_, row) in enumerate(rows.iterrows()):
        if i % 2 == 0:
            ax.add_patch(Rectangle((0, y - ROW_HEIGHT / 2), width, ROW_HEIGHT, facecolor=STRIPE, edgecolor="none"))
        x = 0.0
        for col in cols:
            text, size = fit_text(_cell(data, row, col.key), col.width - 0.08, TABLE_SIZE, smallest=6.5)
            ax.text(x + (col.width - 0.05 if col.align == "right" else 0), y, text, fontsize=size,
                    ha=col.align, va="center", color=carto.INK)
            x += col.width
        y += ROW_HEIGHT
    return return_y


def table_key(data: MapData, n_england: int | None) -> str:
    """What the table columns mean, from the view's wording."""
    worst = worst_best(data)[0]
    england = f" among {n_england:,} {plural(data.view.level)}" if n_england else ""
    return (f"# = rank within {place(data.region_name, data.region_kind)} (1 = {worst}). Rank in England"
            f"{england} (1 = {worst}); decile 1 = {worst} 10% in England.")


def summary_page(data: MapData) -> Figure:
    """Page 2: title, the generated summary, the two ranking tables and the sources."""
    page = PAGES["a4"]
    with export_style():
        fig = Figure(figsize=(page.width, page.height), facecolor="white")
        FigureCanvasAgg(fig)
        w, h = page.width, page.height
        text_width = w - 2 * MARGIN

        def block(lines: list[str], top: float, size: float, colour: str, weight: str = "normal",
                  indent: float = 0.0) -> float:
            for line in lines:
                fig.text((MARGIN + indent) / w, top / h, line, fontsize=size, color=colour, fontweight=weight,
                         va="top")
                top -= line_height(size, 1.3)
            return top

        top = block(wrap(title(data), text_width, TITLE_SIZE, bold=True), h - MARGIN, TITLE_SIZE, carto.INK, "bold")
        top = block(wrap(f"Summary and rankings. {subtitle(data)}.", text_width, SUBTITLE_SIZE), top - 0.04,
                    SUBTITLE_SIZE, "#333333")
        top = block(["Summary"], top - 0.2, 11.5, carto.INK, "bold") - 0.04
        for sentence in summarise(data):
            lines = wrap(sentence, text_width - 0.25, 9.5)
            fig.text(MARGIN / w, top / h, "•", fontsize=9.5, color=carto.INK, va="top")
            top = block(lines, top, 9.5, carto.INK, indent=0.2) - 0.06
        footer = [line for p in footer_text(data) for line in wrap(p, text_width, FOOTER_SIZE)]
        footer_top = MARGIN + len(footer) * line_height(FOOTER_SIZE, 1.25)
        block(footer, footer_top, FOOTER_SIZE, GREY_TEXT)
        worst, best = extremes(data)
        worst_heading, best_heading = table_headings(data, len(worst), len(best))
        table_top = top - 0.2
        table_height = table_top - footer_top - 0.2
        gutter = 0.4
        table_width = (text_width - gutter) / 2
        used = 0.0
        for i, (heading, rows) in enumerate(((worst_heading, worst), (best_heading, best))):
            if rows.empty:
                continue
            ax = fig.add_axes([(MARGIN + i * (table_width + gutter)) / w, (table_top - table_height) / h,
                               table_width / w, table_height / h])
            used = max(used, draw_table(ax, data, heading, rows, width=table_width))
        n_england = pd.to_numeric(ranked_areas(data)["n_ranked"], errors="coerce").max()
        key = table_key(data, None if pd.isna(n_england) else int(n_england))
        block(wrap(key, text_width, 7.5), table_top - used - 0.12, 7.5, GREY_TEXT)
    return fig


SCHEME_COLUMNS: tuple[tuple[str, str, float, str], ...] = (
    # (heading, table column, width in inches or 0 for the rest, alignment)
    ("Scheme", "Name", 3.3, "left"), ("Status", "Status", 1.15, "left"), ("Status date", "Status date", 0.95, "left"),
    ("Stale", "Stale", 0.45, "left"), ("Residents", "Residents", 0.8, "right"), ("Counted", "Counted", 1.55, "left"),
    ("Most deprived 20%", "Most deprived 20% (%)", 1.05, "right"), ("Source", "Source", 0.0, "left"),
)
MAX_SCHEME_PAGES = 6


def _scheme_cell(row: pd.Series, key: str) -> str:
    value = row[key]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "no figure" if key in ("Residents", "Most deprived 20% (%)") else ""
    if key == "Status date" and not value:
        return "not given"
    if key == "Residents":
        return f"{float(value):,.0f}"
    if key == "Most deprived 20% (%)":
        return f"{float(value):.1f}%"
    return str(value)


def scheme_pages(data: MapData, table: pd.DataFrame | None = None) -> list[Figure]:
    """Pages listing the overlay schemes drawn on the map: status, date, source and who lives near or in each."""
    from mapkit.export.schemes import scheme_note, scheme_table

    table = scheme_table(data) if table is None else table
    if table.empty:
        return []
    page = PAGES["a4"]
    w, h = page.width, page.height
    text_width = w - 2 * MARGIN
    widths = [c[2] for c in SCHEME_COLUMNS]
    widths[-1] = text_width - sum(widths)
    note = wrap(scheme_note(data), text_width, 7.0)
    top_space = 0.95
    bottom_space = MARGIN + len(note) * line_height(7.0, 1.25) + 0.15
    per_page = max(1, int((h - MARGIN - top_space - bottom_space) / ROW_HEIGHT))
    chunks = [table.iloc[i:i + per_page] for i in range(0, len(table), per_page)]
    shown = chunks[:MAX_SCHEME_PAGES]
    left_out = len(table) - sum(len(c) for c in shown)
    figures = []
    with export_style():
        for number, chunk in enumerate(shown, start=1):
            fig = Figure(figsize=(w, h), facecolor="white")
            FigureCanvasAgg(fig)
            heading = f"Overlay schemes in {data.region_name}"
            if len(shown) > 1:
                heading += f" ({number} of {len(shown)})"
            fig.text(MARGIN / w, (h - MARGIN) / h, heading, fontsize=TITLE_SIZE - 2, fontweight="bold",
                     color=carto.INK, va="top")
            ax = fig.add_axes([MARGIN / w, bottom_space / h, text_width / w, (h - MARGIN - 0.45 - bottom_space) / h])
            ax.set_xlim(0, text_width)
            height = ax.get_window_extent().height / fig.dpi
            ax.set_ylim(height, 0)
            ax.set_axis_off()
            x, y = 0.0, 0.12
            for (label, _, _, align), width in zip(SCHEME_COLUMNS, widths):
                text, size = fit_text(label, width - 0.05, 7.5, smallest=6.5)
                ax.text(x + (width - 0.08 if align == "right" else 0), y, text, fontsize=size, color=GREY_TEXT,
                        ha=align, va="center", fontweight="bold")
                x += width
            ax.plot([0, text_width], [y + 0.12, y + 0.12], color=carto.INK, linewidth=0.6)
            y += 0.12 + ROW_HEIGHT / 2
            for i, (_, row) in enumerate(chunk.iterrows()):
                if i % 2 == 0:
                    ax.add_patch(Rectangle((0, y - ROW_HEIGHT / 2), text_width, ROW_HEIGHT, facecolor=STRIPE,
                                           edgecolor="none"))
                x = 0.0
                for (_, key, _, align), width in zip(SCHEME_COLUMNS, widths):
                    text, size = fit_text(_scheme_cell(row, key), width - 0.1, 7.5, smallest=6.0)
                    ax.text(x + (width - 0.08 if align == "right" else 0), y, text, fontsize=size, ha=align,
                            va="center", color=carto.INK)
                    x += width
                y += ROW_HEIGHT
            lines = list(note)
            if left_out and number == len(shown):
                lines = wrap(f"{left_out:,} more schemes are listed in the pack's schemes CSV.", text_width,
                             7.0) + lines
            for k, line in enumerate(lines):
                fig.text(MARGIN / w, (bottom_space - 0.1 - k * line_height(7.0, 1.25)) / h, line, fontsize=7.0,
                         color=GREY_TEXT, va="top")
            figures.append(fig)
    return figures


def pack_pdf(data: MapData, options: FigureOptions = FigureOptions()) -> bytes:
    """The briefing pack as one PDF: the map page (A4 landscape), summary and rankings, for an indicator with an
    ONS time series the trend page (:mod:`mapkit.export.trend`), and with overlays the list of schemes and one
    scorecard page per scheme (:mod:`mapkit.export.scorecard_pages`)."""
    from mapkit.export.scorecard_pages import scorecard_pages

    map_page = map_figure(data, dataclasses.replace(options, page="a4")).figure
    buffer = io.BytesIO()
    metadata = {**SAVE_METADATA["pdf"], "Title": f"{title(data)}: briefing pack"}
    with export_style(), PdfPages(buffer, metadata=metadata) as pdf:
        pdf.savefig(map_page)
        for page in measure_pages(data):
            pdf.savefig(page)
        for page in scheme_pages(data):
            pdf.savefig(page)
        for page in scorecard_pages(data):
            pdf.savefig(page)
    return buffer.getvalue()


def measure_pages(data: MapData) -> list[Figure]:
    """The pages after the map: summary and rankings and the trend page of its measure; for a bivariate map, the
    two measures against each other (:mod:`mapkit.export.versus_page`), then those pages of each measure."""
    if data.versus is None:
        trend = trend_page(data)
        return [summary_page(data), *([trend] if trend is not None else [])]
    from mapkit.export.versus_page import versus_page

    return [versus_page(data), *measure_pages(data.versus.x), *measure_pages(data.versus.y)]


def summary_text(data: MapData) -> str:
    """The summary as plain text: title, classification, sentences and sources (formula-safe, see
    :func:`mapkit.text.csvsafe.safe_text`)."""
    lines = [title(data), subtitle(data), ""]
    # Bullets are "•", not "-": a line starting with "-" would be neutralised as a formula.
    lines += [f"• {sentence}" for sentence in summarise(data)]
    lines += ["", "Sources:"] + [f"• {line}" for line in footer_text(data)]
    return safe_text("\n".join(lines) + "\n")


def table_csv(data: MapData) -> bytes:
    """The map's data as tidy CSV (:func:`mapkit.export.tidy.data_table`; a bivariate map's two measures per
    area)."""
    from mapkit.export.tidy import data_table
    from mapkit.export.tidy_files import to_csv

    return to_csv(data_table(data)).encode("utf-8")


def pack_zip(data: MapData, options: FigureOptions = FigureOptions()) -> bytes:
    """PNG map, CSV data, summary text and the briefing PDF in one ZIP (deterministic entry order and dates)."""
    stem = file_stem(data)
    from mapkit.export.tidy import data_table
    from mapkit.export.tidy_files import table_files

    entries = {
        f"{stem}.png": save(map_figure(data, options).figure, "png", dpi=options.dpi),
        **table_files(data_table(data), "csvw", stem),
        f"{stem}_summary.txt": summary_text(data.versus.x if data.versus else data).encode("utf-8"),
        f"{stem}_briefing.pdf": pack_pdf(data, options),
    }
    if data.overlays:
        from mapkit.export.schemes import schemes_tidy

        entries.update(table_files(schemes_tidy(data), "csvw", f"{stem}_schemes"))
        from mapkit.export.scorecard_pages import pack_scorecards
        from mapkit.export.scorecards import scorecard_csv

        entries[f"{stem}_scorecards.csv"] = scorecard_csv(pack_scorecards(data)).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, payload in entries.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, payload)
    return buffer.getvalue()
