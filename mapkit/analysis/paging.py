"""One page of a ranked table: filtered by name or code, ordered, then cut to :data:`PAGE_ROWS` rows.

The app shows a page of the ranked table rather than every area (England has 6,817 wards and 33,755 LSOAs), so a
rerun sends a few hundred rows instead of the whole table; the full table stays one click away as the CSV
download. The functions here take and return plain frames, so the same page can be tested without Streamlit and
shown twice (the grid and the plain HTML table for screen readers) from one computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

PAGE_ROWS = 250
"""Rows per page: most combined authorities' wards and 95% of districts' LSOAs fit on one page."""

ORDERS: tuple[str, ...] = ("worst", "best", "name")
"""Row orders: rank 1 first (the ranked table's own order), the other end first, or by name."""


def order_label(order: str, higher_is: str) -> str:
    """How an order reads for an indicator: neutral indicators (sizes) are never worse or better."""
    if order == "name":
        return "By name"
    if higher_is == "neutral":
        return "Highest first" if order == "worst" else "Lowest first"
    return "Worst first" if order == "worst" else "Best first"


@dataclass(frozen=True)
class TablePage:
    """A page of rows and where it sits: ``matched`` of ``total`` areas pass the filter, shown ``size`` a page."""

    rows: pd.DataFrame
    total: int
    matched: int
    page: int
    pages: int
    size: int

    @property
    def first(self) -> int:
        """Row number (1-based, within the matched rows) of the page's first row; 0 when nothing matched."""
        return (self.page - 1) * self.size + 1 if self.matched else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.matched else 0

    def summary(self, plural: str, query: str = "") -> str:
        """E.g. "Rows 201 to 400 of the 6,817 wards (page 2 of 35)", or what a search found."""
        if query and not self.matched:
            return f'No {plural} of the {self.total:,} match "{query}".'
        found = f'{self.matched:,} of the {self.total:,} {plural} match "{query}"; ' if query else ""
        of = "" if query else f" of the {self.total:,} {plural}"
        rows = f"rows {self.first:,} to {self.last:,}{of}" if found else f"Rows {self.first:,} to {self.last:,}{of}"
        return f"{found}{rows} (page {self.page:,} of {self.pages:,})."


def pages_for(rows: int, size: int = PAGE_ROWS) -> int:
    """Pages needed to show ``rows`` rows (at least one, so an empty result still has a page)."""
    return max(1, math.ceil(rows / size))


def name_filter(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows whose name or code contains ``query`` (case-insensitive, literal text, not a pattern)."""
    text = query.strip()
    if not text:
        return table
    hit = (table["name"].astype(str).str.contains(text, case=False, regex=False, na=False)
           | table["code"].astype(str).str.contains(text, case=False, regex=False, na=False))
    return table[hit]


def ordered(table: pd.DataFrame, order: str) -> pd.DataFrame:
    """``table`` (ranked worst first, areas without a value last) in ``order``; areas without a value stay last."""
    if order not in ORDERS:
        raise ValueError(f"Unknown table order {order!r}: use one of {', '.join(ORDERS)}.")
    if order == "worst":
        return table
    if order == "best":
        return table.sort_values(["rank_in_region", "name"], ascending=[False, True], na_position="last",
                                 kind="stable")
    return table.sort_values(["name", "code"], key=lambda s: s.astype(str).str.casefold(), kind="stable")


def table_page(table: pd.DataFrame, *, query: str = "", order: str = "worst", page: int = 1,
               size: int = PAGE_ROWS) -> TablePage:
    """Page ``page`` (1-based, clamped to the pages there are) of ``table`` filtered by ``query`` in ``order``."""
    matched = ordered(name_filter(table, query), order)
    pages = pages_for(len(matched), size)
    page = min(max(1, int(page)), pages)
    rows = matched.iloc[(page - 1) * size: page * size]
    return TablePage(rows=rows, total=len(table), matched=len(matched), page=page, pages=pages, size=size)
