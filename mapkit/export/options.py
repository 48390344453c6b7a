"""Layout options of static maps: the page-size table, resolution and labels (plain data, no matplotlib here)."""

from __future__ import annotations

import dataclasses

from mapkit.errors import ParameterError, UnknownNameError


@dataclasses.dataclass(frozen=True)
class Page:
    """A page size in inches and the width of its legend panel."""

    name: str
    label: str
    width: float
    height: float
    panel: float


PAGES: dict[str, Page] = {p.name: p for p in (
    Page("a4", "A4 landscape (297 x 210 mm)", 297 / 25.4, 210 / 25.4, 3.05),
    Page("slide", "16:9 slide (13.33 x 7.5 in)", 40 / 3, 7.5, 3.25),
)}

DPI_MIN, DPI_MAX, DEFAULT_DPI = 72, 600, 300
MAX_LABELS = 15
"""Most labels asked for at each end (beyond this a map is unreadable; the briefing pack's tables list more)."""


def check_label_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_LABELS:
        raise ParameterError(f"Number of labels is {n!r}: choose 0 (none) to {MAX_LABELS} at each end.")


@dataclasses.dataclass(frozen=True)
class FigureOptions:
    """How a static map is laid out: page size, resolution of raster output, labels at each end.

    Parameters
    ----------
    page
        A key of :data:`PAGES`.
    dpi
        Resolution of PNG output (vector PDF and SVG ignore it).
    labels
        Label the ``labels`` worst and ``labels`` best areas by name (0: no labels).

    Raises
    ------
    UnknownNameError, ParameterError
        For an unknown page, or a resolution or label count out of range.
    """

    page: str = "a4"
    dpi: int = DEFAULT_DPI
    labels: int = 0

    def __post_init__(self) -> None:
        if self.page not in PAGES:
            raise UnknownNameError(f"Unknown page size {self.page!r}: use one of {', '.join(PAGES)}.")
        if isinstance(self.dpi, bool) or not isinstance(self.dpi, int) or not DPI_MIN <= self.dpi <= DPI_MAX:
            raise ParameterError(f"Resolution is {self.dpi!r} dpi: choose a whole number from {DPI_MIN} to "
                                 f"{DPI_MAX} (300 for print).")
        check_label_count(self.labels)

    @property
    def pixels(self) -> tuple[int, int]:
        """Width and height of a PNG at this page size and resolution (A4 at 300 dpi: 3508 x 2480)."""
        page = PAGES[self.page]
        return round(page.width * self.dpi), round(page.height * self.dpi)

    @property
    def figsize(self) -> tuple[float, float]:
        """Figure size in inches giving exactly :attr:`pixels` (matplotlib truncates fractional pixels, so the
        size is nudged a hundredth of a pixel up; vector pages differ from the page by under 0.001 mm)."""
        width, height = self.pixels
        return (width + 0.01) / self.dpi, (height + 0.01) / self.dpi
