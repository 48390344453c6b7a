"""A bivariate map as a table: one row per area with both measures, their ranks and the area's cell.

The core columns are the tidy schema's (``area_code, area_name, area_level, indicator_id, indicator, period, value,
unit``) for the first measure; the second measure's follow with a ``versus_`` prefix, then the cell as
``bivariate_class`` (``"x-y"``, each 1-3, 1 = the lowest third of that measure's values) and in words
(``bivariate_cell``), what the thirds were cut from, and both sources. No comment lines: the file loads with
``pandas.read_csv`` defaults, and every row names its sources.
"""

from __future__ import annotations

import pandas as pd

from mapkit.analysis.map_data import MapData
from mapkit.errors import ParameterError
from mapkit.specs.registry import IndicatorSpec, registry

CHANGE_DECIMALS = 2
"""Changes computed from ONS's cells are given to two decimals (as the change tables do); published figures as
published."""


def _source(spec: IndicatorSpec) -> str:
    source = registry().sources[spec.source]
    return f"{source.publisher}, {source.title}; {source.licence}"


def _published(values: pd.Series, spec: IndicatorSpec) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").reset_index(drop=True)
    return numbers.round(CHANGE_DECIMALS) if spec.unit_kind == "change" else numbers


def versus_table(data: MapData) -> pd.DataFrame:
    """The areas of a bivariate map (a prepared view with ``versus``), first measure's rank order.

    Raises
    ------
    ParameterError
        For a map with one measure.
    """
    versus = data.versus
    if versus is None:
        raise ParameterError("This map has one measure: choose a second measure (--versus) for a bivariate table.")
    x_spec, y_spec = versus.x.spec, versus.y.spec
    x_rank, y_rank = versus.ranks()
    names = versus.cell_names
    classes = versus.cells.classes
    frame = versus.x.frame.reset_index(drop=True)
    table = pd.DataFrame({
        "area_code": frame["code"], "area_name": frame["name"], "area_level": data.view.level,
        "indicator_id": data.view.indicator, "indicator": x_spec.label, "period": x_spec.period,
        "value": _published(frame["value"], x_spec), "unit": x_spec.unit, "rank_in_region": x_rank,
        "versus_indicator_id": versus.y.view.indicator, "versus_indicator": y_spec.label,
        "versus_period": y_spec.period, "versus_value": _published(versus.y.frame["value"], y_spec),
        "versus_unit": y_spec.unit, "versus_rank_in_region": y_rank,
        "bivariate_class": versus.cells.codes,
        "bivariate_cell": [names[c] if c >= 0 else None for c in classes],
        "tertiles_of": versus.reference,
        "source": _source(x_spec), "versus_source": _source(y_spec),
    })
    return table.sort_values(["rank_in_region", "area_name"], na_position="last", kind="stable").reset_index(
        drop=True)
