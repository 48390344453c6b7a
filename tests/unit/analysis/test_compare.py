"""mapkit.analysis.compare: values equal the shipped data; combined authority, region and England rows; CSV; limits."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import mapkit
from mapkit.analysis.compare import MAX_AREAS, compare, unique_labels
from mapkit.export.tidy import comparison_table
from mapkit.export.tidy_files import to_csv
from mapkit.data.products import comparator_table, level_table
from mapkit.data.products import ENGLAND
from mapkit.errors import ParameterError, UnknownNameError
from mapkit.export.compare_page import MAX_PANELS, compare_figure, compare_page
from mapkit.links import parse_query, to_query
from mapkit.view import View
from mapkit.web.webmap import COMPARE_STYLE, build_map
from mapkit.web.compare_chart import chart_rows, indicator_chart

BIRMINGHAM, MANCHESTER, LEEDS = "E08000025", "E08000003", "E08000035"
CITIES = (BIRMINGHAM, MANCHESTER, LEEDS)


def shipped(level: str, indicator: str, code: str) -> pd.Series:
    table = level_table(level)
    return table[(table["indicator"] == indicator) & (table["code"] == code)].iloc[0]


@pytest.mark.parametrize("theme", ["Deprivation (IoD2025)", "Growth and productivity", "Census 2021"])
def test_area_rows_equal_the_shipped_values_ranks_and_deciles(theme: str) -> None:
    result = compare(CITIES, "lad", theme)
    areas = result.table[result.table["kind"] == "area"]
    assert len(areas) == 3 * len(result.indicators)
    for row in areas.itertuples():
        published = shipped("lad", row.indicator, row.code)
        assert row.value == pytest.approx(published["value"], nan_ok=True)
        if pd.notna(published["value"]):
            assert row.rank_england == published["rank"] and row.decile == published["decile"]
            assert row.value_text == mapkit.registry().indicator(row.indicator).format_value(float(published["value"]))


def test_context_rows_are_the_published_combined_authority_region_and_england_figures() -> None:
    result = compare(CITIES, "lad", "Labour market")
    pay = result.rows("median_weekly_pay").set_index(["kind", "name"])
    published = comparator_table().set_index(["indicator", "code"])
    assert pay.loc[("england", "England"), "value"] == published.at[("median_weekly_pay", "E92000001"), "value"]
    assert pay.loc[("region", "North West"), "value"] == published.at[("median_weekly_pay", "E12000002"), "value"]
    assert pay.loc[("combined authority", "West Yorkshire"), "value"] == pytest.approx(
        shipped("ca", "median_weekly_pay", "E47000003")["value"])
    assert {"West Midlands", "Greater Manchester", "West Yorkshire"} == set(
        result.table.loc[result.table["kind"] == "combined authority", "name"])
    assert pay.loc[("england median", "Median of England's districts"), "value"] == pytest.approx(
        level_table("lad").query("indicator == 'median_weekly_pay'")["value"].median())


def test_an_england_figure_that_is_not_published_is_empty_with_the_reason() -> None:
    imd = compare(CITIES, "lad", "Deprivation (IoD2025)").rows("imd_score").set_index("kind")
    assert pd.isna(imd.loc["england", "value"]) and imd.loc["england", "value_text"] == "no data"
    assert "MHCLG publishes" in imd.loc["england", "note"]
    gva = compare(CITIES, "lad", "Growth and productivity").rows("gva_per_hour").set_index("kind")
    assert pd.isna(gva.loc["england", "value"]) and "publishes none" in gva.loc["england", "note"]


def test_wards_are_compared_across_england_with_their_district_regions() -> None:
    wards = level_table("ward")["code"].drop_duplicates()
    codes = (wards.iloc[0], wards.iloc[-1])
    result = compare(codes, "ward", "Census 2021")
    assert set(result.table.loc[result.table["kind"] == "area", "code"]) == set(codes)
    assert (result.table["kind"] == "region").any()


def test_limits_and_unknown_areas_are_clear_errors() -> None:
    lads = list(level_table("lad")["code"].drop_duplicates()[: MAX_AREAS + 1])
    with pytest.raises(ParameterError, match="at most 10"):
        compare(lads, "lad", "Census 2021")
    with pytest.raises(UnknownNameError, match="Not districts of England"):
        compare(["E08000025", "E05001219"], "lad", "Census 2021")
    with pytest.raises(UnknownNameError, match="not LSOAs"):
        compare(["E01000001"], "lsoa", "Census 2021")
    with pytest.raises(UnknownNameError, match="No indicator of theme"):
        compare(["E05001219"], "ward", "Labour market")


def test_the_csv_holds_every_theme_with_sources_and_is_spreadsheet_safe() -> None:
    tidy = comparison_table(compare(CITIES, "lad"))
    sources = " ".join(s.line() for s in tidy.sources)
    assert "MHCLG" in sources and "Office for National Statistics" in sources
    table = pd.read_csv(io.StringIO(to_csv(tidy)))
    imd = table[(table["indicator_id"] == "imd_score") & (table["comparison_row"] == "area")].set_index("area_code")
    assert imd.at[BIRMINGHAM, "value"] == pytest.approx(shipped("lad", "imd_score", BIRMINGHAM)["value"])
    assert {"gva_per_hour", "imd_score", "bad_health", "median_weekly_pay"} <= set(table["indicator_id"])
    assert not table.map(lambda v: isinstance(v, str) and v[:1] in "=+-@").any().any()


def test_the_view_keeps_ten_known_areas_of_its_level_and_says_what_it_dropped() -> None:
    lads = list(level_table("lad")["code"].drop_duplicates()[:12])
    view, notices = View.lenient(region=ENGLAND, level="lad", indicator="imd_score",
                                 compare_areas=(*lads, "E05001219", "<b>x</b>", lads[0]))
    assert view.compare_areas == tuple(lads[:10])
    assert any("At most 10 areas" in n and "2 left out" in n for n in notices)
    assert any("E05001219" in n and "<b>" not in n for n in notices)
    with pytest.raises(ParameterError, match="at most 10"):
        View(region=ENGLAND, level="lad", compare_areas=tuple(lads)).check()


def test_a_link_reopens_the_compare_list() -> None:
    view = View(region=ENGLAND, level="lad", indicator="gva_per_hour", scheme="quantiles", compare_areas=CITIES)
    assert to_query(view)["compare_areas"] == ",".join(CITIES)
    assert parse_query(to_query(view)) == (view, [])


def test_compared_areas_are_outlined_on_the_map() -> None:
    view = View(region="E47000007", level="lad", indicator="imd_score", scheme="quantiles", compare_areas=CITIES)
    mapped = build_map(view)
    outline = next(layer for layer in mapped.layers if layer.layer_name == "Areas compared")
    area_layer = next(iter(outline._children.values()))
    assert sorted(area_layer.geometry.codes) == sorted(CITIES)  # anywhere in England, not only the region's
    html = mapped.to_map().get_root().render()
    assert COMPARE_STYLE["color"] in html


def test_the_page_export_draws_every_panel(tmp_path) -> None:
    result = compare(CITIES, "lad", "Growth and productivity")
    png = compare_page(result, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    figure = compare_figure(result)
    panels = [ax for ax in figure.axes if ax.get_title(loc="left")]
    assert len(panels) == min(MAX_PANELS, len(result.indicators))
    gva = next(ax for ax in panels if ax.get_title(loc="left").startswith("GVA per hour"))
    assert "No England figure is published." in gva.get_xlabel()
    texts = {t.get_text() for t in gva.texts}
    assert result.rows("gva_per_hour").set_index("code").at[BIRMINGHAM, "value_text"] in texts
    assert compare_page(result, "pdf")[:4] == b"%PDF"


def test_the_chart_shows_figures_as_formatted_with_context_rows() -> None:
    rows = compare(CITIES, "lad", "Labour market").rows("median_weekly_pay")
    data = chart_rows(rows)
    assert list(data["row"][:3]) == ["Birmingham", "Manchester", "Leeds"]
    assert "England" in set(data["row"]) and "West Yorkshire (CA)" in set(data["row"])
    spec = indicator_chart(rows).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rule"  # the median of England's districts


BIRMINGHAM_WARDS = ("E05011132", "E05011133", "E05011134", "E05011135", "E05011136", "E05011137", "E05011138",
                    "E05011139", "E05011140", "E05011141")
UNITARIES_2023 = ("E06000063", "E06000064", "E06000065", "E06000066")


def test_the_grid_folds_columns_without_any_figure_into_a_note() -> None:
    """Issue 26: 4 of 13 columns (regions, England) were all "no data" for the IoD."""
    result = compare(BIRMINGHAM_WARDS[:8], "ward", "Deprivation (IoD2025)")
    grid, notes = result.grid()
    assert "England" not in grid.columns and not any("(region)" in c for c in grid.columns)
    assert list(grid.columns[:8]) == list(result.names) and "West Midlands (CA)" in grid.columns
    assert not (grid == "no data").all().any()
    assert any("MHCLG publishes IoD2025 figures for LSOAs and local authority districts" in n for n in notes)


def test_indicators_no_compared_area_has_are_folded_too() -> None:
    result = compare(UNITARIES_2023, "lad", "Growth and productivity")
    assert result.empty_indicators == ["gigabit_coverage", "net_additional_dwellings"]
    grid, notes = result.grid()
    assert not any(label.startswith("Gigabit") for label in grid.index)
    assert notes[-1] == ("No figure for the areas compared: Gigabit broadband coverage, Net additional dwellings.")
    footer = " ".join(t.get_text() for t in compare_figure(result).texts)
    assert "so not drawn: Gigabit broadband coverage; Net additional dwellings" in footer


def test_the_chart_gives_every_area_a_labelled_row_of_its_own() -> None:
    """Issue 26: 8 areas were squeezed into 60 px with 2 rows labelled."""
    result = compare(BIRMINGHAM_WARDS[:8], "ward", "Deprivation (IoD2025)")
    spec = indicator_chart(result.rows("imd_score")).to_dict()
    dots = spec["layer"][1]["encoding"]["y"]
    assert dots["scale"]["domain"][:8] == list(result.names)
    assert dots["axis"]["labelOverlap"] is False and spec["height"] == {"step": 22}
    unitaries = chart_rows(compare(UNITARIES_2023, "lad", "Growth and productivity").rows("gigabit_coverage"))
    assert list(unitaries["row"][:4]) == list(compare(UNITARIES_2023, "lad").names)  # no figure, still a row


def test_areas_sharing_a_name_keep_rows_of_their_own() -> None:
    assert unique_labels(["Abbey", "Abbey", "Ash"], ["E05000001", "E05000002", "E05000003"]) == [
        "Abbey (E05000001)", "Abbey (E05000002)", "Ash"]


def test_the_page_labels_every_row_without_overlap() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    result = compare(BIRMINGHAM_WARDS, "ward", "Deprivation (IoD2025)")
    figure = compare_figure(result)
    renderer = FigureCanvasAgg(figure).get_renderer()
    panels = [ax for ax in figure.axes if ax.get_title(loc="left")]
    assert panels
    for ax in panels:
        labels = [t for t in ax.get_yticklabels() if t.get_text()]
        assert [t.get_text() for t in labels][:10] == list(result.names)
        boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
        assert all(low.y1 <= high.y0 for low, high in zip(boxes, boxes[1:])), "row labels overlap"
