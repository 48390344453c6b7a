"""The scatter plot beside a bivariate map (Altair / Vega-Lite; no Streamlit here).

Every area of the view is a point in its cell's colour (the map's nine colours), over England's areas of the same
level in light grey when the view is a region; dashed lines mark the thirds' cuts; the selected area is ringed. A
click on a point selects it through the point selection :data:`SELECTION` on the field ``code``, which the app reads
back (``st.altair_chart(..., on_select="rerun")``) to select that area on the map and open its profile. The title
states both correlations with their n.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from mapkit.analysis.map_data import MapData
from mapkit.data.products import ENGLAND
from mapkit.specs.registry import registry
from mapkit.text.bivariate import ARROW_X, ARROW_Y

SELECTION = "area"
"""Name of the chart's point selection; its value is ``[{"code": <area code>}]``."""
BACKDROP = "#cfcfcf"
SVG_POINTS = 3_000
"""Up to this many points the chart is drawn as SVG (each point in the page, with an aria-label); above it, canvas."""


def scatter_rows(data: MapData) -> list[dict[str, Any]]:
    """The view's areas with both figures: code, name, both values and their text, the cell's name and code."""
    versus = data.versus
    x_fmt, y_fmt = versus.x.spec.format_value, versus.y.spec.format_value
    rows = []
    for code, name, x, y, cls, cell in zip(data.frame["code"], data.frame["name"], versus.x_values,
                                           versus.y_values, versus.cells.classes, versus.cells.codes):
        if cls < 0:
            continue
        rows.append({"code": str(code), "name": str(name), "x": float(x), "y": float(y), "x_text": x_fmt(x),
                     "y_text": y_fmt(y), "cell": versus.cell_names[cls], "cell_code": cell})
    return rows


def versus_scatter(data: MapData, *, selected: str | None = None, height: int = 320) -> alt.LayerChart:
    """The scatter plot of a bivariate map's two measures (see the module's docstring)."""
    versus = data.versus
    x_spec, y_spec = versus.x.spec, versus.y.spec
    plural = registry().boundary(data.view.level).plural
    x_axis = alt.X("x:Q", title=f"{x_spec.label} ({x_spec.unit}): {versus.x_words.direction} {ARROW_X}",
                   scale=alt.Scale(zero=False))
    y_axis = alt.Y("y:Q", title=f"{y_spec.label} ({y_spec.unit}): {versus.y_words.direction} {ARROW_Y}",
                   scale=alt.Scale(zero=False))
    rows = scatter_rows(data)
    pick = alt.selection_point(name=SELECTION, fields=["code"], on="click", clear="dblclick")
    points = alt.Chart(alt.Data(values=rows)).mark_circle(size=70, opacity=0.95, stroke="#1a1a1a",
                                                          strokeWidth=0.6).encode(
        x=x_axis, y=y_axis,
        color=alt.Color("cell:N", scale=alt.Scale(domain=list(versus.cell_names), range=list(data.colours)),
                        legend=None),
        tooltip=[alt.Tooltip("name:N", title=registry().boundary(data.view.level).label),
                 alt.Tooltip("x_text:N", title=x_spec.label), alt.Tooltip("y_text:N", title=y_spec.label),
                 alt.Tooltip("cell:N", title="Cell"), alt.Tooltip("cell_code:N", title="Cell (x-y)")],
    ).add_params(pick)
    layers: list[alt.Chart] = []
    if data.view.region != ENGLAND and len(versus.england):
        backdrop = versus.england[["x", "y"]].to_dict("records")
        layers.append(alt.Chart(alt.Data(values=backdrop)).mark_circle(size=10, color=BACKDROP, opacity=0.9)
                      .encode(x=x_axis, y=y_axis))
    cuts = [{"x": float(v)} for v in versus.cells.x_breaks if math.isfinite(v)]
    layers.append(alt.Chart(alt.Data(values=cuts)).mark_rule(strokeDash=[4, 3], color="#666666").encode(x="x:Q"))
    cuts = [{"y": float(v)} for v in versus.cells.y_breaks if math.isfinite(v)]
    layers.append(alt.Chart(alt.Data(values=cuts)).mark_rule(strokeDash=[4, 3], color="#666666").encode(y="y:Q"))
    layers.append(points)
    chosen = [row for row in rows if row["code"] == selected]
    if chosen:
        layers.append(alt.Chart(alt.Data(values=chosen)).mark_point(size=260, shape="circle", filled=False,
                                                                    stroke="#000000", strokeWidth=2.5)
                      .encode(x=x_axis, y=y_axis))
    where = "England" if data.view.region == ENGLAND else data.region_name
    subtitle = [f"{where}: {versus.cells.correlation.describe()}"]
    if data.view.region != ENGLAND:
        subtitle.append(f"England's {plural} (grey): {versus.england_correlation.describe()}")
    subtitle.append("Dashed lines: the thirds' cuts. Click a point to open that area's profile.")
    renderer = "svg" if len(rows) + len(versus.england) <= SVG_POINTS else "canvas"
    chart = alt.layer(*layers).properties(
        height=height, title=alt.TitleParams(f"{x_spec.label} against {y_spec.label}", fontSize=12,
                                             subtitle=subtitle, anchor="start"))
    return chart.properties(usermeta={"embedOptions": {"renderer": renderer}})


def chosen_code(selection: Any) -> str | None:
    """The area code a click on the scatter plot chose, from Streamlit's selection state, or ``None``."""
    try:
        picked = selection["selection"][SELECTION]
    except (KeyError, TypeError):
        return None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        code = picked[0].get("code")
        return code if isinstance(code, str) else None
    return None


def points_frame(data: MapData) -> pd.DataFrame:
    """:func:`scatter_rows` as a frame (tests, tables)."""
    return pd.DataFrame(scatter_rows(data))
