"""Which years an ONS time series covers, and a view's change period checked as two of them.

The series themselves are :func:`mapkit.data.products.load_series`; what is computed from them (a year's values,
change, the gap to England) is :mod:`mapkit.analysis.series`.
"""

from __future__ import annotations

from mapkit.data.products import load_series
from mapkit.errors import ParameterError


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
