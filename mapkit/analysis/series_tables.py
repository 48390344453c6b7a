"""ONS time series as tables: one year, a change between two years, every year, and one area's series (their
files, with ONS's release date and caveats beside the data: :mod:`mapkit.export.tidy`)."""

from __future__ import annotations

import pandas as pd

from mapkit.data.products import load_boundaries, load_series, region_name
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.specs.registry import SeriesSpec, registry
from mapkit.analysis.series import change, series_level, year_values
from mapkit.view import region_kind


def series_of(indicator_or_series: str) -> SeriesSpec:
    """The series of an indicator id (e.g. ``gva_per_hour``) or a series id from ``layers/series.toml``."""
    reg = registry()
    if indicator_or_series in reg.series:
        return reg.series[indicator_or_series]
    if indicator_or_series in reg.indicators:
        spec = reg.series_for(indicator_or_series)
        if spec is None:
            raise ParameterError(f"{reg.indicator(indicator_or_series).label} has no ONS time series; indicators "
                                 f"with one: {', '.join(i for i in reg.indicators if reg.indicators[i].series)}.")
        return spec
    raise UnknownNameError(f"Unknown indicator or series {indicator_or_series!r}: use one of "
                           f"{', '.join(reg.series)}.")


def _areas(level: str, region: str) -> pd.DataFrame:
    series_level(level)
    return pd.DataFrame(load_boundaries(level, region)[["code", "name"]]).sort_values("name")


def year_table(indicator: str, level: str, region: str, year: int) -> pd.DataFrame:
    """One year of the indicator's series for the areas of ``region``: ``code, name, value, period, note, lci,
    uci, status``."""
    spec = series_of(indicator)
    values = year_values(spec.id, level, year)
    rows = load_series(spec.id, series_level(level), values["code"].tolist())
    interval = rows.loc[rows["year"] == year, ["code", "lci", "uci", "status"]]
    return (_areas(level, region).merge(values, on="code", how="left").merge(interval, on="code", how="left")
            .reset_index(drop=True))


def change_table(indicator: str, level: str, region: str, start: int, end: int) -> pd.DataFrame:
    """Change from ``start`` to ``end`` for the areas of ``region``, fastest first
    (:func:`mapkit.analysis.series.change`)."""
    spec = series_of(indicator)
    table = _areas(level, region).merge(change(spec.id, level, start, end).table, on="code", how="left")
    return table.sort_values(["change", "name"], ascending=[False, True], na_position="last").reset_index(drop=True)


def years_table(indicator: str, level: str, region: str) -> pd.DataFrame:
    """Every published year for the areas of ``region``: one row per area and period, ``code, name, period, year,
    value, lci, uci, status, note`` (gaps kept as rows without a value, with the reason), by name and period."""
    spec = series_of(indicator)
    areas = _areas(level, region)
    rows = load_series(spec.id, level, areas["code"].tolist())
    return (areas.merge(rows, on="code").drop(columns=["level", "series"]).sort_values(["name", "period"])
            .reset_index(drop=True))


def area_series_table(indicator: str, code: str) -> tuple[str, pd.DataFrame]:
    """The series of one area (England, a combined authority or a district): its level (``england``, ``ca`` or
    ``lad``) and one row per period, ``code, name, period, year, value, lci, uci, status, note``."""
    spec = series_of(indicator)
    name = region_name(code)
    level = {"england": "england", "ca": "ca", "lad": "lad"}[region_kind(code) or "england"]
    rows = load_series(spec.id, level, [code]).drop(columns=["level", "series"])
    rows.insert(1, "name", name)
    return level, rows
