"""The briefing pack's trend page: the region against England over every year ONS publishes, the region's change,
and the areas of the map that grew fastest and slowest. Every number is computed from ONS's stored cells."""

from __future__ import annotations

import dataclasses

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from mapkit.data.products import ENGLAND, load_series, region_kind, region_name
from mapkit.export import cartography as carto
from mapkit.export.page_text import GREY_TEXT, line_height, wrap
from mapkit.export.options import PAGES
from mapkit.export.static import FOOTER_SIZE, MARGIN, SUBTITLE_SIZE, TITLE_SIZE, export_style
from mapkit.specs.registry import SeriesSpec, registry
from mapkit.analysis.map_data import MapData
from mapkit.analysis.series import Change, change, default_period, fastest_and_slowest, region_sentence

ENGLAND_COLOUR, REGION_COLOUR = "#b82531", "#276eb0"


@dataclasses.dataclass(frozen=True)
class Trend:
    """What the trend page shows, computed before anything is drawn (so tests can check the numbers)."""

    spec: SeriesSpec
    lines: pd.DataFrame
    period: tuple[int, int]
    sentence: str | None
    fastest: pd.DataFrame
    slowest: pd.DataFrame
    result: Change


def trend_for(data: MapData) -> Trend | None:
    """The trend page's figures for a map of districts or combined authorities with an ONS series, else ``None``."""
    spec = registry().series_at(data.view.indicator, data.view.level)
    if spec is None:
        return None
    region = data.view.region
    parts = [load_series(spec.id, "england", [ENGLAND]).assign(area="England")]
    if region != ENGLAND:
        parts.insert(0, load_series(spec.id, region_kind(region), [region]).assign(area=data.region_name))
    period = data.view.change or default_period(spec.id)
    result = change(spec.id, data.view.level, *period)
    fastest, slowest = fastest_and_slowest(result, data.frame["code"].tolist())
    return Trend(spec=spec, lines=pd.concat(parts, ignore_index=True), period=period,
                 sentence=region_sentence(data.view.indicator, region, period), fastest=fastest,
                 slowest=slowest, result=result)


def _area_lines(trend: Trend, rows: pd.DataFrame) -> list[str]:
    names = {code: region_name(code) for code in rows["code"]}
    return [f"{names[r.code]}: {trend.result.describe(r.change)} ({trend.spec.format_value(r.start_value)} to "
            f"{trend.spec.format_value(r.end_value)})" for r in rows.itertuples()]


def trend_page(data: MapData) -> Figure | None:
    """An A4 page: line chart of the region against England, the change sentence, fastest and slowest areas."""
    trend = trend_for(data)
    if trend is None:
        return None
    page = PAGES["a4"]
    start, end = trend.period
    with export_style():
        fig = Figure(figsize=(page.width, page.height), facecolor="white")
        FigureCanvasAgg(fig)
        w, h = page.width, page.height
        text_width = w - 2 * MARGIN

        def block(lines: list[str], top: float, size: float, colour: str = carto.INK, weight: str = "normal") -> float:
            for line in lines:
                fig.text(MARGIN / w, top / h, line, fontsize=size, color=colour, fontweight=weight, va="top")
                top -= line_height(size, 1.3)
            return top

        top = block(wrap(f"{trend.spec.label}: {data.region_name} against England", text_width, TITLE_SIZE),
                    h - MARGIN, TITLE_SIZE, weight="bold")
        top = block(wrap(f"Every year ONS publishes ({trend.spec.unit}). {trend.spec.subtitle}.", text_width,
                         SUBTITLE_SIZE), top - 0.04, SUBTITLE_SIZE, "#333333")
        chart_height = 3.2
        ax = fig.add_axes([(MARGIN + 0.5) / w, (top - 0.25 - chart_height) / h, (text_width - 0.6) / w,
                           chart_height / h])
        for (area, rows), colour in zip(trend.lines.groupby("area", sort=False), (REGION_COLOUR, ENGLAND_COLOUR)):
            rows = rows.sort_values("year")
            colour = ENGLAND_COLOUR if area == "England" else colour
            ax.plot(rows["year"], rows["value"], marker="o", markersize=2.5, color=colour, label=area)  # NaN = gap
        ax.axvspan(start, end, color="#eeeeee", zorder=0, label=f"{start} to {end}")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(trend.spec.unit)
        ax.legend(frameon=False, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        top = top - 0.25 - chart_height - 0.45
        if trend.sentence:
            top = block(wrap(trend.sentence, text_width, 10), top, 10) - 0.1
        plural = registry().boundary(data.view.level).plural
        for heading, rows in ((f"Grew fastest, {start} to {end}", trend.fastest),
                              (f"Grew slowest, {start} to {end}", trend.slowest)):
            top = block([f"{heading} ({plural} on this map)"], top - 0.1, 10, weight="bold")
            top = block(_area_lines(trend, rows) or ["No area on this map has both years."], top, 9)
        source = registry().sources[trend.spec.source]
        footer = [f"{source.attribution} ONS release {trend.spec.release_date}"
                  + ("; official statistics in development." if trend.spec.experimental else "."),
                  "Values are ONS's own cells; changes are computed from them. Gaps are years ONS publishes no "
                  "figure for and are not filled in. " + trend.spec.revision_note]
        lines = [line for p in footer for line in wrap(p, text_width, FOOTER_SIZE)]
        block(lines, MARGIN + len(lines) * line_height(FOOTER_SIZE, 1.25), FOOTER_SIZE, GREY_TEXT)
    return fig
