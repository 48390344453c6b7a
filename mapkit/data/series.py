"""Which years an ONS time series covers, and a view's change period checked as two of them.

The series themselves are :func:`mapkit.data.products.load_series`; what is computed from them (a year's values,
change, the gap to England) is :mod:`mapkit.analysis.series`.
"""

from __future__ import annotations

from functools import lru_cache

from mapkit.data.products import load_series
from mapkit.errors import ParameterError
from mapkit.specs.registry import registry

MAX_WRITTEN_DECIMALS = 4
"""Above this, a figure in ONS's file is a computed rate written unrounded, not a published rounding."""


def years(series_id: str) -> list[int]:
    """Years in which ONS publishes a value for at least one district, ascending."""
    rows = load_series(series_id, "lad")
    return sorted(int(y) for y in rows.loc[rows["value"].notna(), "year"].unique())


def change_years(change: object) -> tuple[int, int]:
    """A view's ``change`` as two years, start before end; raises a :class:`ParameterError` otherwise."""
    if (not isinstance(change, tuple) or len(change) != 2
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in change)):
        raise ParameterError(f"Change {change!r} is not two years (start, end).")
    if change[0] >= change[1]:
        raise ParameterError(f"Change from {change[0]} to {change[1]}: the start year must come before the end year.")
    return change


@lru_cache(maxsize=None)
def written_decimals(series_id: str) -> int:
    """The decimal places a series' figures are written with: ONS's own (``decimal_places`` in
    ``layers/series.toml``), or more where ONS's file gives every district figure with more (GVA per hour worked:
    1 in ONS's metadata, 2 in the file), so no digit ONS publishes is dropped. Figures ONS writes unrounded
    (business births as 10.526315789...; combined authorities' GVA as 26.136302947998047) are rounded to it.
    """
    places = registry().one_series(series_id).decimal_places
    values = load_series(series_id, "lad")["value"].dropna().to_numpy(dtype=float)
    for k in range(places, MAX_WRITTEN_DECIMALS + 1):
        if values.size == 0 or (abs(values.round(k) - values) < 1e-9).all():
            return k
    return places
