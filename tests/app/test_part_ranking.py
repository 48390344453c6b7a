"""mapkit.app.ranking: a page of the view's areas in rank order with their figures, search, order and pages, a row
opening its profile, the plain table and the CSV of every area."""

from __future__ import annotations

from app_parts import part

import mapkit
from mapkit.analysis.tables import ranking_table
from mapkit.view import View

COVENTRY = "E08000026"
VIEW = View(region=COVENTRY, level="ward", indicator="income_score")


def grid(at):
    return next(d.value for d in at.dataframe if "rank_in_england" in d.value.columns)


def test_the_page_lists_the_areas_in_rank_order_with_their_figures() -> None:
    at = part("ranking", "show_ranking", VIEW)
    expected = ranking_table("income_score", "ward", COVENTRY)
    shown = grid(at)
    assert list(shown["code"]) == list(expected["code"])
    assert list(shown["value"]) == list(expected["value"])
    assert list(shown["rank_in_region"]) == list(range(1, len(expected) + 1))
    spec = mapkit.registry().indicator("income_score")
    assert [h.value for h in at.header] == [f"{spec.label}: wards of Coventry, ranked"]
    assert [b.proto.label for b in at.get("download_button")] == [
        f"Download all {len(expected)} wards (CSV)", f"Download all {len(expected)} wards (Excel, with sources)"]


def test_search_filters_the_rows_and_the_plain_table_shows_the_same() -> None:
    at = part("ranking", "show_ranking", VIEW)
    at.text_input(key="w_search").input("Binley").run()
    assert list(grid(at)["name"]) == ["Binley and Willenhall"]
    assert any(c.value.startswith('1 of the 18 wards match "Binley"') for c in at.caption)
    at.checkbox(key="w_plain_table").check().run()
    assert list(at.table[0].value["Name"]) == ["Binley and Willenhall"]
