"""Altair dot charts of a comparison (:class:`mapkit.analysis.compare.Comparison`): one per indicator.

A dot per compared area (blue) and per published combined authority, region and England figure (grey), the
median of England's areas as a dashed rule; the tooltip gives each figure as the indicator formats it, with its
note. Rows with no figure are left out of the chart (the table beside it says why).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from mapkit.analysis.compare import AREA_COLOUR, CONTEXT_COLOUR, MEDIAN_COLOUR, row_label
from mapkit.specs.registry import registry

ROW_HEIGHT = 22
COMPARED_KINDS = ("area", "own area")
"""Rows drawn as compared areas: the areas chosen, and the user's own area (mapkit.analysis.own_area)."""


def chart_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one indicator that have a figure, with the label and colour group the chart shows."""
    shown = rows[(rows["kind"] != "england median") & rows["value"].notna()]
    return pd.DataFrame({
        "row": [row_label(k, n) for k, n in zip(shown["kind"], shown["name"])],
        "group": ["Compared" if k in COMPARED_KINDS else "Context" for k in shown["kind"]],
        "value": shown["value"].astype(float).to_numpy(),
        "figure": shown["value_text"].to_numpy(),
        "note": shown["note"].fillna("").to_numpy(),
    })


def indicator_chart(rows: pd.DataFrame, *, width: int | str = "container") -> alt.LayerChart:
    """The dot chart of one indicator's rows (from :meth:`mapkit.analysis.compare.Comparison.rows`)."""
    spec = registry().indicator(str(rows["indicator"].iloc[0]))
    data = chart_rows(rows)
    order = list(data["row"])
    dots = alt.Chart(data).mark_circle(size=90, opacity=1).encode(
        x=alt.X("value:Q", title=f"{spec.label} ({spec.unit})", scale=alt.Scale(zero=False)),
        y=alt.Y("row:N", sort=order, title=None),
        color=alt.Color("group:N", scale=alt.Scale(domain=["Compared", "Context"],
                                                   range=[AREA_COLOUR, CONTEXT_COLOUR]), legend=None),
        tooltip=[alt.Tooltip("row:N", title="Area"), alt.Tooltip("figure:N", title=spec.label),
                 alt.Tooltip("note:N", title="Note")],
    )
    layers: list[alt.Chart] = [dots]
    median = rows.loc[rows["kind"] == "england median", ["name", "value", "value_text"]].dropna()
    if len(median):
        rule = pd.DataFrame({"value": [float(median["value"].iloc[0])], "label": [median["name"].iloc[0]],
                             "figure": [median["value_text"].iloc[0]]})
        layers.insert(0, alt.Chart(rule).mark_rule(color=MEDIAN_COLOUR, strokeDash=[4, 3]).encode(
            x="value:Q", tooltip=[alt.Tooltip("label:N", title="Dashed line"), alt.Tooltip("figure:N", title="Value")]))
    return alt.layer(*layers).properties(title=f"{spec.label} ({spec.period})", width=width,
                                         height=max(60, ROW_HEIGHT * len(data)))
