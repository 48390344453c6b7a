"""Pages of the ranked table (mapkit.analysis.paging): filter, order, page, on small frames and on shipped data."""

from __future__ import annotations

import pandas as pd
import pytest

from mapkit.analysis.paging import ORDERS, PAGE_ROWS, name_filter, order_label, ordered, pages_for, table_page
from mapkit.analysis.tables import ranking_table

ENGLAND = "E92000001"
WMCA = "E47000007"


def small() -> pd.DataFrame:
    """Five areas ranked worst first (as ranking_table sorts them), one without a value."""
    return pd.DataFrame({
        "code": ["E1", "E2", "E3", "E4", "E5"],
        "name": ["aston", "Bordesley", "Castle Vale", "Aston Park", "Druids Heath"],
        "value": [40.0, 30.0, 30.0, 10.0, None],
        "rank_in_region": pd.array([1, 2, 2, 4, None], dtype="Int64"),
    })


@pytest.mark.parametrize(("rows", "size", "pages"), [(0, 200, 1), (1, 200, 1), (200, 200, 1), (201, 200, 2),
                                                     (6817, 250, 28), (33755, 250, 136)])
def test_pages_for(rows: int, size: int, pages: int) -> None:
    assert pages_for(rows, size) == pages


def test_filter_matches_name_or_code_case_insensitively_and_literally() -> None:
    table = small()
    assert list(name_filter(table, "ASTON")["code"]) == ["E1", "E4"]
    assert list(name_filter(table, "e3")["name"]) == ["Castle Vale"]
    assert list(name_filter(table, "  ")["code"]) == list(table["code"])
    assert name_filter(table, ".*").empty  # a literal, not a regular expression


def test_orders_keep_areas_without_a_value_last() -> None:
    table = small()
    assert list(ordered(table, "worst")["code"]) == ["E1", "E2", "E3", "E4", "E5"]
    assert list(ordered(table, "best")["code"]) == ["E4", "E2", "E3", "E1", "E5"]  # ties by name
    assert list(ordered(table, "name")["name"]) == ["aston", "Aston Park", "Bordesley", "Castle Vale",
                                                    "Druids Heath"]
    with pytest.raises(ValueError, match="Unknown table order 'up': use one of worst, best, name"):
        ordered(table, "up")


def test_a_page_is_cut_and_clamped() -> None:
    table = small()
    second = table_page(table, page=2, size=2)
    assert list(second.rows["code"]) == ["E3", "E4"]
    assert (second.first, second.last, second.pages, second.total, second.matched) == (3, 4, 3, 5, 5)
    assert second.summary("wards") == "Rows 3 to 4 of the 5 wards (page 2 of 3)."
    last = table_page(table, page=99, size=2)  # past the end: the last page
    assert last.page == 3 and list(last.rows["code"]) == ["E5"]
    assert table_page(table, page=-4, size=2).page == 1


def test_a_search_says_how_many_matched_and_what_matched_nothing() -> None:
    table = small()
    found = table_page(table, query="aston", order="best")
    assert list(found.rows["code"]) == ["E4", "E1"]
    assert found.summary("wards", "aston") == '2 of the 5 wards match "aston"; rows 1 to 2 (page 1 of 1).'
    none = table_page(table, query="Zzz")
    assert none.rows.empty and (none.first, none.last, none.pages) == (0, 0, 1)
    assert none.summary("wards", "Zzz") == 'No wards of the 5 match "Zzz".'


@pytest.mark.parametrize(("order", "higher_is", "label"), [
    ("worst", "worse", "Worst first"), ("best", "better", "Best first"), ("worst", "neutral", "Highest first"),
    ("best", "neutral", "Lowest first"), ("name", "worse", "By name")])
def test_order_labels_never_call_a_size_worse(order: str, higher_is: str, label: str) -> None:
    assert order_label(order, higher_is) == label


def test_england_wards_pages_cover_every_ward_once_worst_first() -> None:
    table = ranking_table("imd_score", "ward", ENGLAND)
    first = table_page(table)
    assert first.total == 6817 and first.pages == 28 and len(first.rows) == PAGE_ROWS
    assert list(first.rows["rank_in_region"].iloc[:3]) == [1, 2, 3]
    codes = [c for p in range(1, first.pages + 1) for c in table_page(table, page=p).rows["code"]]
    assert len(codes) == 6817 and set(codes) == set(table["code"])
    best = table_page(table, order="best")
    assert best.rows["value"].iloc[0] == table["value"].min()  # least deprived first


def test_a_combined_authoritys_wards_fit_on_one_page() -> None:
    page = table_page(ranking_table("imd_score", "ward", WMCA))
    assert (page.total, page.pages, len(page.rows)) == (192, 1, 192)
    assert ORDERS[0] == "worst"
