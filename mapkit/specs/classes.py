"""How a map's classes are made, as declarations: classification schemes (name -> mapclassify classifier), where
class breaks come from, the number of classes a user may choose, and where a change map's colours are centred.

The algorithms are :mod:`mapkit.analysis.classify`; this table is what a view is checked against
(:mod:`mapkit.view`), so validating a link needs no classifier.
"""

from __future__ import annotations

import dataclasses

from mapkit.errors import UnknownNameError
from mapkit.specs.registry import IndicatorSpec

K_MIN, K_MAX = 3, 9
"""Number of classes a user may choose (nine is the most a sequential ramp keeps distinguishable)."""

DECILES = 10
MAX_JENKS_SAMPLE = 400
"""Fisher-Jenks is quadratic in the number of values (and mapclassify runs it in pure Python without numba), so
larger sets are classified on this many evenly spaced order statistics; the top break is still the maximum."""


@dataclasses.dataclass(frozen=True)
class Scheme:
    """One classification scheme.

    Parameters
    ----------
    name
        Key used in links and by :func:`classify`.
    label
        What the picker shows.
    classifier
        mapclassify class name, or ``None`` for the published national deciles.
    sample
        Classify at most this many evenly spaced order statistics (``None``: every value).
    fixed_k
        Number of classes when the scheme fixes it (deciles), else ``None``.
    """

    name: str
    label: str
    classifier: str | None
    sample: int | None = None
    fixed_k: int | None = None

    @property
    def needs_deciles(self) -> bool:
        return self.classifier is None


SCHEMES: dict[str, Scheme] = {s.name: s for s in (
    Scheme("quantiles", "Quantiles (equal numbers of areas)", "Quantiles"),
    Scheme("equal_interval", "Equal intervals", "EqualInterval"),
    Scheme("natural_breaks", "Natural breaks (Fisher-Jenks)", "FisherJenks", sample=MAX_JENKS_SAMPLE),
    Scheme("national_deciles", "Official national deciles", None, fixed_k=DECILES),
)}

BREAKS_FROM: dict[str, str] = {
    "england": "compared with England",
    "region": "within this region",
}
"""Where class breaks come from (``View.breaks_from``), with the wording the app shows."""


CENTRES: dict[str, str] = {"zero": "no change", "england": "England's change"}
"""Where a change map's diverging palette is centred (``View.centre``), and how its legend names the centre."""


def scheme(name: str) -> Scheme:
    try:
        return SCHEMES[name]
    except KeyError:
        raise UnknownNameError(f"Unknown classification {name!r}: use one of {', '.join(SCHEMES)}.") from None


def available_schemes(spec: IndicatorSpec) -> list[str]:
    """Scheme names that make sense for an indicator (national deciles only where they are published)."""
    return [name for name, s in SCHEMES.items() if spec.national_deciles or not s.needs_deciles]
