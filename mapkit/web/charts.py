"""Small Vega-Lite charts (Altair, which Streamlit ships) built from mapkit's tables; no Streamlit here."""

from __future__ import annotations

import altair as alt
import pandas as pd

from mapkit.specs.registry import SeriesSpec


def trend_chart(lines: pd.DataFrame, spec: SeriesSpec, *, height: int = 190) -> alt.Chart:
    """A line per area (the area, its combined authority, England) over the years ONS publishes.

    Gaps stay gaps: a missing year breaks the line rather than joining its neighbours. Each point carries the
    year, area and value as ONS publishes it, in the tooltip and in the chart's data.

    Parameters
    ----------
    lines
        :func:`mapkit.analysis.series.area_lines`: ``year, period, value, area, code, note``.
    spec
        The series, for the axis title and number format.
    """
    data = lines.assign(value_text=[spec.format_value(None if pd.isna(v) else float(v)) for v in lines["value"]])
    order = list(dict.fromkeys(data["area"]))
    base = alt.Chart(data).encode(
        x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("value:Q", title=spec.unit, scale=alt.Scale(zero=False)),
        color=alt.Color("area:N", sort=order, title=None,
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=200)),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value_text:N", title=spec.label), alt.Tooltip("note:N", title="Note")],
    )
    lines_layer = base.mark_line(strokeWidth=2).encode(
        strokeDash=alt.StrokeDash("area:N", sort=order, legend=None))
    chart = (lines_layer + base.mark_point(size=18, filled=True)).properties(
        height=height, title=alt.TitleParams(spec.label, fontSize=12, subtitle=f"ONS, released {spec.release_date}"))
    # SVG keeps every point in the page with an aria-label (area, year, value): screen readers and tests read it.
    return chart.properties(usermeta={"embedOptions": {"renderer": "svg"}})


def decile_chart(deciles: pd.DataFrame, series: dict[str, str], *, height: int = 220) -> alt.Chart:
    """Residents by IMD national decile, 1 to 10 in order, a bar per series side by side (the area first).

    Parameters
    ----------
    deciles
        ``decile`` and one column per series of shares (0-1), e.g. :attr:`mapkit.analysis.own_area.OwnAreaProfile
        .deciles` (``share``, ``ca_share``, ``england_share``).
    series
        Column -> label, in the order drawn; columns without a figure are left out.
    """
    from mapkit.analysis.compare import AREA_COLOUR, CONTEXT_COLOUR, MEDIAN_COLOUR

    shown = {column: label for column, label in series.items() if deciles[column].notna().any()}
    data = pd.concat([pd.DataFrame({"decile": deciles["decile"].astype(int), "series": label,
                                    "share": 100 * deciles[column].astype(float)})
                      for column, label in shown.items()], ignore_index=True)
    order = list(shown.values())
    colours = [AREA_COLOUR, CONTEXT_COLOUR, MEDIAN_COLOUR][:len(order)]
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("decile:O", sort=list(range(1, 11)), title="IMD national decile (1 = most deprived 10% of LSOAs)",
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series:N", sort=order),
        y=alt.Y("share:Q", title="% of residents"),
        color=alt.Color("series:N", sort=order, scale=alt.Scale(domain=order, range=colours), title=None,
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("series:N", title="Residents of"), alt.Tooltip("decile:O", title="Decile"),
                 alt.Tooltip("share:Q", title="% of residents", format=".1f")],
    )
    return chart.properties(height=height, usermeta={"embedOptions": {"renderer": "svg"}})


POSITION_DOMAIN = (0, 100)
"""The position chart's fixed scale: 0 and 100 are the ends of England's ranking, whatever the areas shown."""


def position_chart(rows: pd.DataFrame, *, key: str, height_per_row: int = 30) -> alt.Chart:
    """A bar per indicator: the area's position among England's areas of its level, on a fixed 0-100 axis (one
    area at 50 must not read as the top of the scale).

    Parameters
    ----------
    rows
        :class:`mapkit.analysis.profile.AreaProfile` table rows: ``label, england_position, value_text``.
    key
        What 0 and 100 mean (e.g. "100 = most deprived, 0 = least deprived"), the axis title.
    """
    data = rows.dropna(subset=["england_position"]).assign(
        position=lambda f: f["england_position"].astype(float).round(1))
    order = list(data["label"])
    return alt.Chart(data).mark_bar(color="#0a58ca").encode(
        x=alt.X("position:Q", title=f"Position in England ({key})",
                scale=alt.Scale(domain=list(POSITION_DOMAIN), clamp=True, nice=False),
                axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        tooltip=[alt.Tooltip("label:N", title="Indicator"), alt.Tooltip("value_text:N", title="Figure"),
                 alt.Tooltip("position:Q", title="Position (0-100)")],
    ).properties(height=alt.Step(height_per_row), width="container")
