"""Classification: scheme name -> class breaks, labels and a class for every area.

The schemes are a table of names to mapclassify classifiers (``SCHEMES``), plus the official national deciles,
which are read from the data rather than computed. Breaks are computed on a *reference* set of values: the areas
of the region ("within this region") or every area of the same level in England ("compared with England"), so a
region can be read against the national distribution. Classes are listed in ascending value order; ``-1`` is the
no-data class. Colours and the "darker = worse" direction are the palettes' job, not this module's.
"""

from __future__ import annotations

import dataclasses
import warnings
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd

from mapkit.data.products import ENGLAND, indicator_table, load_boundaries
from mapkit.specs.classes import BREAKS_FROM, DECILES, K_MAX, K_MIN, Scheme, available_schemes, scheme
from mapkit.errors import UnknownNameError
from mapkit.specs.registry import IndicatorSpec, registry

NO_DATA = -1
"""Class of an area without a figure."""

@dataclasses.dataclass(frozen=True, eq=False)
class Classification:
    """Breaks, labels and per-area classes of one indicator for the areas on the map.

    Attributes
    ----------
    scheme, breaks_from
        Keys of :data:`SCHEMES` and :data:`BREAKS_FROM`.
    upper, lower
        Per class, ascending: the upper break and the lowest reference value in the class.
    labels
        Per class, ascending: the range (or decile) as text in the indicator's number format.
    classes
        Per area, aligned with the input: class index, or :data:`NO_DATA`.
    deciles
        Per class, the national decile it stands for (national deciles only, else empty).
    centre
        For change indicators, the value the classes are split at (0, no change, or England's change), else
        ``None``.
    centre_label
        What the diverging palette's middle stands for, for the legend (e.g. "no change"); else empty.
    reference
        What the breaks were computed on, for the legend (e.g. "all 6,784 wards in England").
    """

    scheme: str
    breaks_from: str
    upper: tuple[float, ...]
    lower: tuple[float, ...]
    labels: tuple[str, ...]
    classes: np.ndarray
    reference: str
    deciles: tuple[int, ...] = ()
    centre: float | None = None
    centre_label: str = ""

    @property
    def k(self) -> int:
        return len(self.labels)

    @property
    def counts(self) -> tuple[int, ...]:
        """Areas on the map in each class."""
        return tuple(int(n) for n in np.bincount(self.classes[self.classes >= 0], minlength=self.k)[: self.k])

    @property
    def n_missing(self) -> int:
        return int((self.classes == NO_DATA).sum())


def _numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """Floats, with missing values (``None``, ``pd.NA``, text) as NaN."""
    return np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)


def _finite(values: pd.Series | np.ndarray) -> np.ndarray:
    array = _numbers(values)
    return array[np.isfinite(array)]


def compute_breaks(values: pd.Series | np.ndarray, scheme_name: str, k: int) -> tuple[float, ...]:
    """Ascending upper class bounds of ``values`` (missing values ignored) for a value-based scheme.

    Fewer than ``k`` bounds come back when the values cannot fill ``k`` classes (few distinct values, or ties at
    quantile cuts); the last bound is always the maximum.

    Raises
    ------
    UnknownNameError
        For an unknown scheme, or for the national deciles, which are read from the data, not computed.
    ValueError
        If ``k`` is outside ``K_MIN``..``K_MAX``.
    """
    spec = scheme(scheme_name)
    if spec.needs_deciles:
        raise UnknownNameError("National deciles are published, not computed: use classify() with the decile column.")
    if not K_MIN <= k <= K_MAX:
        raise ValueError(f"Number of classes is {k}: choose between {K_MIN} and {K_MAX}.")
    return _scheme_breaks(_finite(values), spec, k)


def _scheme_breaks(values: np.ndarray, spec: Scheme, k: int) -> tuple[float, ...]:
    data = np.sort(values)
    if data.size == 0:
        return ()
    distinct = np.unique(data)
    if distinct.size <= k:
        return tuple(float(v) for v in distinct)
    if k == 1:
        return (float(distinct[-1]),)
    if spec.sample and data.size > spec.sample:
        data = data[np.linspace(0, data.size - 1, spec.sample).round().astype(int)]
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "numba not installed" and "setting k to ..." are expected here
        bins = getattr(mapclassify, spec.classifier)(data, k=k).bins
    upper = np.unique(np.asarray(bins, dtype=float))
    upper[-1] = max(upper[-1], float(distinct[-1]))
    return tuple(float(v) for v in upper)


CENTRE = 0.0
"""Where change indicators (unit kind "change") are split: no change."""


def is_change(spec: IndicatorSpec) -> bool:
    """True for a change indicator, classified either side of :data:`CENTRE` and drawn on a diverging ramp."""
    return spec.unit_kind == "change"


def compute_centred_breaks(values: pd.Series | np.ndarray, scheme_name: str, k: int,
                           centre: float = CENTRE) -> tuple[float, ...]:
    """Breaks that never mix values below and above ``centre``: the scheme's breaks on each side, and a class of
    its own for values equal to the centre (no change) when there are any.

    The ``k`` classes are shared between the sides in proportion to their numbers of areas (at least one each).
    """
    data = _finite(values)
    if not K_MIN <= k <= K_MAX:
        raise ValueError(f"Number of classes is {k}: choose between {K_MIN} and {K_MAX}.")
    below, above = data[data < centre], data[data > centre]
    has_centre = bool((data == centre).any())
    free = k - int(has_centre)
    if below.size and above.size:
        k_below = min(max(1, round(free * below.size / (below.size + above.size))), free - 1)
    else:
        k_below = free if below.size else 0
    chosen = scheme(scheme_name)
    if chosen.needs_deciles:
        raise UnknownNameError("National deciles are published, not computed: change indicators have none.")
    upper = (list(_scheme_breaks(below, chosen, k_below)) + ([centre] if has_centre else [])
             + list(_scheme_breaks(above, chosen, free - k_below)))
    return tuple(sorted(set(upper)))


def _centred_labels(labels: tuple[str, ...], lower: tuple[float, ...], upper: tuple[float, ...],
                    centre: float) -> tuple[str, ...]:
    return tuple("No change" if lo == hi == centre else text for text, lo, hi in zip(labels, lower, upper))


def assign_classes(values: pd.Series | np.ndarray, upper: tuple[float, ...]) -> np.ndarray:
    """Class index of each value: ``i`` where ``upper[i-1] < value <= upper[i]``; :data:`NO_DATA` if missing."""
    array = _numbers(values)
    classes = np.full(array.shape, NO_DATA, dtype=int)
    if not upper:
        return classes
    ok = np.isfinite(array)
    classes[ok] = np.minimum(np.searchsorted(np.asarray(upper), array[ok], side="left"), len(upper) - 1)
    return classes


def _lower_bounds(reference: np.ndarray, upper: tuple[float, ...]) -> tuple[float, ...]:
    classes = assign_classes(reference, upper)
    lower = []
    for i in range(len(upper)):
        members = reference[classes == i]
        if members.size:
            lower.append(float(members.min()))
        else:  # an empty equal interval: its range starts at the previous bound
            lower.append(upper[i - 1] if i else float(reference.min()))
    return tuple(lower)


def _range_labels(lower: tuple[float, ...], upper: tuple[float, ...], fmt: Callable[[float], str]) -> tuple[str, ...]:
    labels = []
    for lo, hi in zip(lower, upper):
        lo_text, hi_text = fmt(lo), fmt(hi)
        labels.append(lo_text if lo_text == hi_text else f"{lo_text} to {hi_text}")
    return tuple(labels)


def classify(values: pd.Series | np.ndarray, *, scheme_name: str, k: int,
             reference: pd.Series | np.ndarray | None = None, reference_label: str = "",
             breaks_from: str = "region", formatter: Callable[[float], str] = "{:g}".format) -> Classification:
    """Classify ``values`` with breaks computed on ``reference`` (default: the values themselves).

    Parameters
    ----------
    values
        One value per area on the map; missing values get :data:`NO_DATA`.
    scheme_name
        A value-based key of :data:`SCHEMES` (use :func:`classify_deciles` for national deciles).
    k
        Requested number of classes.
    reference
        Values the breaks are computed on, e.g. every area of the level in England.
    reference_label, breaks_from
        Recorded on the result for the legend.
    formatter
        Formats a number for class labels (the indicator's ``format_value``).
    """
    ref = _finite(values if reference is None else reference)
    upper = compute_breaks(ref, scheme_name, k)
    lower = _lower_bounds(ref, upper) if upper else ()
    return Classification(scheme=scheme_name, breaks_from=breaks_from, upper=upper, lower=lower,
                          labels=_range_labels(lower, upper, formatter),
                          classes=assign_classes(values, upper), reference=reference_label)


def classify_deciles(deciles: pd.Series | np.ndarray, higher_is: str, *,
                     reference_values: pd.Series | np.ndarray | None = None,
                     reference_deciles: pd.Series | np.ndarray | None = None,
                     reference_label: str = "", formatter: Callable[[float], str] = "{:g}".format) -> Classification:
    """Classes from published national deciles (1 = worst 10%), ordered by value like every other scheme.

    Where higher is worse, decile 1 holds the highest values, so it is the top class; where higher is better it is
    the bottom class. With reference values and deciles (all of England), each label also gives the decile's range.
    """
    order = list(range(DECILES, 0, -1)) if higher_is != "better" else list(range(1, DECILES + 1))
    dec = _numbers(deciles)
    classes = np.full(dec.shape, NO_DATA, dtype=int)
    for index, decile in enumerate(order):
        classes[dec == decile] = index
    upper: list[float] = []
    lower: list[float] = []
    labels: list[str] = []
    ref_v = None if reference_values is None else _numbers(reference_values)
    ref_d = None if reference_deciles is None else _numbers(reference_deciles)
    for decile in order:
        members = None if ref_v is None or ref_d is None else ref_v[(ref_d == decile) & np.isfinite(ref_v)]
        if members is not None and members.size:
            lo, hi = float(members.min()), float(members.max())
            lower.append(lo)
            upper.append(hi)
            span = formatter(lo) if formatter(lo) == formatter(hi) else f"{formatter(lo)} to {formatter(hi)}"
            labels.append(f"Decile {decile}: {span}")
        else:
            lower.append(float("nan"))
            upper.append(float("nan"))
            labels.append(f"Decile {decile}")
    return Classification(scheme="national_deciles", breaks_from="england", upper=tuple(upper), lower=tuple(lower),
                          labels=tuple(labels), classes=classes, reference=reference_label, deciles=tuple(order))


def _region_codes(level: str, region: str) -> frozenset[str]:
    return frozenset(load_boundaries(level, region)["code"])


@lru_cache(maxsize=512)
def _reference(indicator_id: str, level: str, scope: str) -> tuple[np.ndarray, np.ndarray]:
    table = indicator_table(indicator_id, level)
    if scope != ENGLAND:
        table = table[table["code"].isin(_region_codes(level, scope))]
    values = pd.to_numeric(table["value"], errors="coerce").to_numpy(dtype=float)
    deciles = pd.to_numeric(table["decile"], errors="coerce").to_numpy(dtype=float)
    values.setflags(write=False)
    deciles.setflags(write=False)
    return values, deciles


@lru_cache(maxsize=512)
def _cached_breaks(indicator_id: str, level: str, scope: str, scheme_name: str, k: int) -> tuple[float, ...]:
    values = _reference(indicator_id, level, scope)[0]
    if is_change(registry().indicator(indicator_id)):
        return compute_centred_breaks(values, scheme_name, k)
    return compute_breaks(values, scheme_name, k)


def reference_label(level: str, region_label: str, n: int, breaks_from: str) -> str:
    """Legend wording for the areas the breaks come from."""
    plural = registry().boundary(level).plural
    if breaks_from == "england":
        return f"all {n:,} {plural} in England with a figure"
    return f"the {n:,} {plural} in {region_label} with a figure"


def classify_indicator(frame: pd.DataFrame, indicator_id: str, level: str, region: str, *, scheme_name: str,
                       k: int, breaks_from: str, region_label: str) -> Classification:
    """Classify the areas of ``frame`` (from :func:`mapkit.load_indicator`) for the map.

    Breaks for a given indicator, level, reference area, scheme and ``k`` are computed once per process, so
    switching back and forth between views only re-assigns classes.

    Raises
    ------
    UnknownNameError
        For an unknown scheme or comparison, or national deciles asked of an indicator that has none.
    """
    spec = registry().indicator(indicator_id)
    chosen = scheme(scheme_name)
    if breaks_from not in BREAKS_FROM:
        raise UnknownNameError(f"Unknown source of class breaks {breaks_from!r}: use one of {', '.join(BREAKS_FROM)}.")
    if chosen.needs_deciles:
        if not spec.national_deciles:
            raise UnknownNameError(
                f"{spec.label} has no official national deciles: choose "
                f"{', '.join(s for s in available_schemes(spec))} instead.")
        values, deciles = _reference(indicator_id, level, ENGLAND)
        label = reference_label(level, "England", int(np.isfinite(deciles).sum()), "england")
        return classify_deciles(frame["decile"], spec.higher_is, reference_values=values, reference_deciles=deciles,
                                reference_label=label, formatter=spec.format_value)
    scope = ENGLAND if breaks_from == "england" else region
    ref_values = _reference(indicator_id, level, scope)[0]
    ref_values = ref_values[np.isfinite(ref_values)]
    upper = _cached_breaks(indicator_id, level, scope, scheme_name, k)
    lower = _lower_bounds(ref_values, upper) if upper else ()
    label = reference_label(level, "England" if scope == ENGLAND else region_label, ref_values.size, breaks_from)
    labels = _range_labels(lower, upper, spec.format_value)
    centre, centre_label = None, ""
    if is_change(spec):
        centre, centre_label = CENTRE, "no change"
        labels = _centred_labels(labels, lower, upper, CENTRE)
        label += f"; classes split at {spec.format_value(CENTRE)} (no change)"
    return Classification(scheme=scheme_name, breaks_from=breaks_from, upper=upper, lower=lower, labels=labels,
                          classes=assign_classes(frame["value"], upper), reference=label, centre=centre,
                          centre_label=centre_label)
