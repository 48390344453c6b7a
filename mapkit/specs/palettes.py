"""Named, colour-blind-safe sequential ramps, and the colours of each class on the map.

Every ramp is sequential (one lightness order), so it reads in any colour vision and in greyscale. Colours are
always oriented so that the darkest class is the *worst* end of the indicator (its ``higher_is`` flag): a
deprivation score reads darker = more deprived whatever the palette. Areas without a figure get a "no data"
style that cannot be mistaken for a class: light grey with a dashed outline, or white with a dashed outline on
greyscale ramps, where grey would look like a value.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache

from mapkit.errors import UnknownNameError

DEFAULT = "default"
"""Palette name meaning "the indicator's own palette" (``IndicatorSpec.palette``)."""


@dataclasses.dataclass(frozen=True)
class NoDataStyle:
    """How an area without a figure is drawn (and shown in the legend)."""

    fill: str
    outline: str
    dash: str


NO_DATA = NoDataStyle(fill="#d9d9d9", outline="#737373", dash="3 3")
NO_DATA_ON_GREY = NoDataStyle(fill="#ffffff", outline="#525252", dash="3 3")


@dataclasses.dataclass(frozen=True)
class Ramp:
    """A sequential ramp: a matplotlib colormap sampled between two positions, light end first.

    Parameters
    ----------
    name
        Key used in links and the palette picker.
    label
        What the picker shows.
    cmap
        matplotlib colormap name (ColorBrewer ramps are registered under their ColorBrewer names).
    light, dark
        Positions in the colormap of the lightest and the darkest class (0 to 1); the light end avoids pure white,
        which would look like "no data", and the dark end avoids black, which hides the outlines.
    greyscale
        True for grey ramps, which need a "no data" style that is not grey.
    diverging
        True for two-sided ramps for change: the midpoint between ``light`` and ``dark`` is the centre (no
        change), ``dark`` is the worse end and ``light`` the better end (:func:`diverging_colours`).
    """

    name: str
    label: str
    cmap: str
    light: float
    dark: float
    greyscale: bool = False
    diverging: bool = False

    def __post_init__(self) -> None:
        if not (0.0 <= self.light <= 1.0 and 0.0 <= self.dark <= 1.0) or self.light == self.dark:
            raise ValueError(f"Ramp {self.name!r}: light and dark must be distinct positions between 0 and 1.")

    @property
    def no_data(self) -> NoDataStyle:
        return NO_DATA_ON_GREY if self.greyscale else NO_DATA

    def colours(self, k: int) -> list[str]:
        """``k`` hex colours from light to dark (for a diverging ramp, its worse half: centre to ``dark``)."""
        if self.diverging:
            mid = (self.light + self.dark) / 2.0
            return list(_sample(self.cmap, mid + (self.dark - mid) * 0.25, self.dark, k))
        return list(_sample(self.cmap, self.light, self.dark, k))


PALETTES: dict[str, Ramp] = {ramp.name: ramp for ramp in (
    Ramp("Reds", "Reds", "Reds", 0.12, 0.92),
    Ramp("Oranges", "Oranges", "Oranges", 0.12, 0.92),
    Ramp("Purples", "Purples", "Purples", 0.15, 0.95),
    Ramp("Blues", "Blues", "Blues", 0.12, 0.95),
    Ramp("Greens", "Greens", "Greens", 0.12, 0.95),
    Ramp("YlOrRd", "Yellow-orange-red", "YlOrRd", 0.08, 0.95),
    Ramp("YlGnBu", "Yellow-green-blue", "YlGnBu", 0.08, 0.95),
    Ramp("viridis", "Viridis", "viridis", 0.97, 0.08),
    Ramp("cividis", "Cividis", "cividis", 0.97, 0.05),
    Ramp("Greys", "Greys", "Greys", 0.12, 0.92, greyscale=True),
    Ramp("print", "Greyscale for printing", "Greys", 0.18, 0.98, greyscale=True),
    Ramp("RdBu", "Red-blue, diverging (for change)", "RdBu", 0.96, 0.04, diverging=True),
    Ramp("PuOr", "Purple-orange, diverging (for change)", "PuOr", 0.96, 0.04, diverging=True),
)}
"""Every palette offered, by name. ColorBrewer single- and multi-hue sequential ramps and the viridis family are
colour-blind safe, and so are the ColorBrewer diverging ramps (RdBu, PuOr) offered for change; ``print`` is
a greyscale ramp with a white dashed "no data" style for black-and-white copies."""


@lru_cache(maxsize=256)
def _sample(cmap_name: str, light: float, dark: float, k: int) -> tuple[str, ...]:
    import matplotlib
    import matplotlib.colors

    if k < 1:
        return ()
    cmap = matplotlib.colormaps[cmap_name]
    positions = [light] if k == 1 else [light + (dark - light) * i / (k - 1) for i in range(k)]
    return tuple(matplotlib.colors.to_hex(cmap(p)) for p in positions)


def resolve(name: str, indicator_palette: str) -> Ramp:
    """The ramp for a palette name, where ``"default"`` means the indicator's own palette.

    Raises
    ------
    UnknownNameError
        If the name (or the indicator's declared palette) is not in :data:`PALETTES`.
    """
    key = indicator_palette if name == DEFAULT else name
    try:
        return PALETTES[key]
    except KeyError:
        raise UnknownNameError(
            f"Unknown palette {key!r}: use one of {', '.join(PALETTES)} (or {DEFAULT!r} for the indicator's own); "
            "an indicator's palette is set in layers/indicators.toml."
        ) from None


def class_colours(ramp: Ramp, k: int, higher_is: str, upper: tuple[float, ...] | None = None,
                  centre: float | None = None) -> list[str]:
    """Colours of ``k`` classes listed in ascending value order, darkest at the worse end.

    Where higher is worse (and for neutral indicators) the highest class is darkest; where higher is better
    the lowest class is darkest. A diverging ramp given the classes' upper bounds and a ``centre`` colours the
    classes on each side of the centre with its two hues (:func:`diverging_colours`).
    """
    if ramp.diverging and upper is not None and centre is not None and len(upper) == k:
        return diverging_colours(ramp, upper, higher_is, centre)
    colours = ramp.colours(k)
    return colours[::-1] if higher_is == "better" else colours


def diverging_colours(ramp: Ramp, upper: tuple[float, ...], higher_is: str, centre: float = 0.0) -> list[str]:
    """Colours of classes (ascending upper bounds) on a diverging ramp centred on ``centre``.

    A class whose upper bound is below the centre is on the low side; the class ending exactly at the centre
    (no change) gets the ramp's midpoint; the rest are on the high side. The worse side (high where higher is
    worse or neutral, low where higher is better) takes the ramp's ``dark`` end. Both sides use the same steps,
    so equal distances from the centre get equally strong colours.
    """
    import matplotlib
    import matplotlib.colors

    cmap = matplotlib.colormaps[ramp.cmap]
    mid = (ramp.light + ramp.dark) / 2.0
    below = [i for i, u in enumerate(upper) if u < centre]
    above = [i for i, u in enumerate(upper) if u > centre]
    steps = max(len(below), len(above), 1)
    high_end, low_end = (ramp.light, ramp.dark) if higher_is == "better" else (ramp.dark, ramp.light)
    positions = [mid] * len(upper)
    for j, i in enumerate(reversed(below), start=1):
        positions[i] = mid + (low_end - mid) * (0.25 + 0.75 * j / steps)
    for j, i in enumerate(above, start=1):
        positions[i] = mid + (high_end - mid) * (0.25 + 0.75 * j / steps)
    return [matplotlib.colors.to_hex(cmap(p)) for p in positions]
