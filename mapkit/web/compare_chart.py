"""Altair dot charts of a comparison (:class:`mapkit.analysis.compare.Comparison`): one per indicator.

A row per compared area (a blue dot, or none where the area has no figure: the row stays, labelled, so every area
keeps its place), then a grey dot per published combined authority, region and England figure, and the median of
England's areas as a dashed rule; the tooltip gives each figure as the indicator formats it, with its note. Each row
is :data:`ROW_HEIGHT` px high whatever the number of areas (a step, not a total height to share), and every row is
labelled.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from mapkit.analysis.compare import AREA_COLOUR, COMPARED_KINDS, CONTEXT_COLOUR, MEDIAN_COLOUR, row_label, unique_labels
from mapkit.specs.registry import registry

ROW_HEIGHT = 22

LABEL_LIMIT = 260
"""Pixels of a row label before it is cut with an ellipsis (the tooltip has the whole name)."""


def chart_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of one indicator the chart shows, with the label and colour group: every compared area (with or
    without a figure), then the context rows that have a figure."""
    shown = rows[rows["kind"].isin(COMPARED_KINDS) | ((rows["kind"] != "england median") & rows["value"].notna())]
    return pd.DataFrame({
        "row": unique_labels([row_label(k, n) for k, n in zip(shown["kind"], shown["name"])], list(shown["code"])),
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
        y=alt.Y("row:N", sort=order, title=None, scale=alt.Scale(domain=order),
                axis=alt.Axis(labelOverlap=False, labelLimit=LABEL_LIMIT)),
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
                                         height=alt.Step(ROW_HEIGHT))
