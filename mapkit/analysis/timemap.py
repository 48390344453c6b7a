"""A view's year or change, made ready to map: the values, the indicator as timed_spec, classes and palette.

:func:`mapkit.analysis.map_data.prepare` calls :func:`timed_map` for a view with ``year`` or ``change``; everything else
(web map, legend, exports) then draws the result like any indicator. The indicator timed_spec is the declared one with
its period (and, for a change, label, unit and format) replaced, so every surface names the period it shows.
A change map is classified in equal steps either side of its centre (no change, or England's change) on a
diverging palette: one hue for better than the centre, another for worse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from mapkit.analysis.classify import Classification, assign_classes, classify, reference_label
from mapkit.data.products import load_boundaries
from mapkit.specs.registry import IndicatorSpec, registry
from mapkit.specs.palettes import Ramp
from mapkit.analysis.series import Change, change, year_values
from mapkit.specs.classes import CENTRES
from mapkit.view import View

DIVERGING = {
    "better": Ramp("diverging", "Red (worse) to blue (better)", "RdBu", light=0.88, dark=0.12),
    "worse": Ramp("diverging", "Red (worse) to blue (better)", "RdBu", light=0.88, dark=0.12),
    "neutral": Ramp("diverging", "Purple to orange", "PuOr", light=0.88, dark=0.12),
}
"""Diverging ramps sampled from the "better" end, so that :func:`mapkit.specs.palettes.class_colours` (which reverses
the ramp where higher is better) puts red at the worse end and blue at the better end."""

_SERIES_COLUMNS = ("value", "note")


def _lower_first(label: str) -> str:
    """``Median weekly pay`` -> ``median weekly pay``; acronyms (``GVA per hour``, ``GDHI``) stay as written."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


@dataclasses.dataclass(frozen=True)
class TimedMap:
    """What :func:`mapkit.analysis.map_data.prepare` needs for a year or a change view."""

    spec: IndicatorSpec
    frame: pd.DataFrame
    classification: Classification
    ramp: Ramp | None
    change: Change | None = None


def _with_values(frame: pd.DataFrame, values: pd.DataFrame) -> pd.DataFrame:
    """The areas of ``frame`` with ``value`` and ``note`` from ``values``; national ranks and deciles (of the
    indicator's own year) are dropped, as they do not describe another year or a change."""
    out = frame.drop(columns=[c for c in _SERIES_COLUMNS if c in frame]).merge(
        values[["code", *_SERIES_COLUMNS]], on="code", how="left", validate="1:1")
    for col in ("rank", "decile", "n_ranked", "numerator", "denominator"):
        if col in out:
            out[col] = pd.NA
    out["note"] = out["note"].fillna("")
    return out[[*frame.columns]]


def _reference(view: View, values: pd.DataFrame, region_label: str) -> tuple[np.ndarray, str]:
    if view.breaks_from == "region":
        codes = set(load_boundaries(view.level, view.region)["code"])
        values = values[values["code"].isin(codes)]
    ref = pd.to_numeric(values["value"], errors="coerce").to_numpy(dtype=float)
    ref = ref[np.isfinite(ref)]
    return ref, reference_label(view.level, "England" if view.breaks_from == "england" else region_label, ref.size,
                                view.breaks_from)


def _year_map(view: View, spec: IndicatorSpec, frame: pd.DataFrame, region_label: str) -> TimedMap:
    series = registry().series_for(view.indicator)
    values = year_values(series.id, view.level, view.year)
    period = values["period"].iloc[0] if len(values) else str(view.year)
    when = str(view.year) if period.endswith("/P1Y") else f"{view.year} (ONS reference date {period})"
    timed_spec = dataclasses.replace(spec, period=f"{when}, ONS time series released {series.release_date}")
    ref, label = _reference(view, values, region_label)
    scheme = view.scheme_name if view.scheme_name != "national_deciles" else "quantiles"
    classification = classify(_with_values(frame, values)["value"], scheme_name=scheme, k=view.k, reference=ref,
                              reference_label=label, breaks_from=view.breaks_from, formatter=timed_spec.format_value)
    return TimedMap(spec=timed_spec, frame=_with_values(frame, values), classification=classification, ramp=None)


def _change_map(view: View, spec: IndicatorSpec, frame: pd.DataFrame, region_label: str) -> TimedMap:
    series = registry().series_for(view.indicator)
    start, end = view.change
    result = change(series.id, view.level, start, end)
    values = result.table.rename(columns={"change": "value"})
    centre = 0.0 if view.centre == "zero" or np.isnan(result.england_change) else result.england_change
    centre_text = CENTRES[view.centre] + ("" if view.centre == "zero" else f", {result.describe(centre)}")
    unit = "percentage points" if result.in_points else "% change"
    timed_spec = dataclasses.replace(
        spec, label=f"Change in {_lower_first(spec.label)}", unit=unit,
        number_format="{:+.1f} pp" if result.in_points else "{:+.1f}%",
        period=f"{start} to {end}, ONS time series released {series.release_date}; centre: {centre_text}")
    ref, label = _reference(view, values, region_label)
    mapped = _with_values(frame, values)
    upper = diverging_breaks(ref, centre, view.k)
    lower = (min(float(ref.min()), upper[0]), *upper[:-1]) if upper else ()
    classification = Classification(
        scheme="equal_interval", breaks_from=view.breaks_from, upper=upper, lower=lower,
        labels=step_labels(upper, timed_spec.format_value),
        classes=assign_classes(mapped["value"], upper), reference=f"{label}, equal steps either side of {centre_text}",
        centre=centre, centre_label=centre_text)
    return TimedMap(spec=timed_spec, frame=mapped, classification=classification, ramp=DIVERGING[spec.higher_is],
                    change=result)


def step_labels(upper: tuple[float, ...], fmt: Callable[[float], str]) -> tuple[str, ...]:
    """Legend labels of equal steps: the outer classes are open-ended ("-11.8% or less", "over +35.4%"), so a step
    beyond the data's extremes never reads as a range running backwards."""
    if len(upper) < 2:
        return tuple(fmt(u) for u in upper)
    inner = [f"over {fmt(lo)} to {fmt(hi)}" for lo, hi in zip(upper[:-2], upper[1:-1])]
    return (f"{fmt(upper[0])} or less", *inner, f"over {fmt(upper[-2])}")


def diverging_breaks(reference: np.ndarray, centre: float, k: int) -> tuple[float, ...]:
    """Upper breaks of ``k`` equal steps either side of ``centre`` (the middle class holds the centre when ``k`` is
    odd). The steps span 95% of the reference's distances from the centre, so one outlier does not squeeze every
    other area into the middle classes; the outer classes run on to the reference's extremes."""
    if reference.size == 0:
        return ()
    reach = float(np.quantile(np.abs(reference - centre), 0.95)) or 1.0
    inner = [centre - reach + 2 * reach * i / k for i in range(1, k)]
    return (*inner, max(float(reference.max()), centre + reach))


def timed_map(view: View, spec: IndicatorSpec, frame: pd.DataFrame, region_label: str) -> TimedMap:
    """The year or change ``view`` asks for (checked already by :meth:`View.check`), ready to colour."""
    if view.change is not None:
        return _change_map(view, spec, frame, region_label)
    return _year_map(view, spec, frame, region_label)
