"""Labels and source lines are composed once (mapkit.text.wording) and say the same thing on every surface."""

from __future__ import annotations

import pytest

import mapkit
from mapkit.text import wording
from mapkit.errors import UnknownNameError
from mapkit.export.menu import EXPORTS, export_file, size_text
from mapkit.export.naming import table_file_name
from mapkit.analysis.map_data import prepare
from mapkit.view import View


def test_region_labels_come_from_the_data():
    assert wording.region_label("E92000001") == "England"
    assert wording.region_label("E47000007") == "West Midlands (combined authority)"
    assert wording.region_label("E08000025") == "Birmingham (district, West Midlands)"
    assert len(wording.region_labels()) == len(mapkit.regions())


@pytest.mark.parametrize(("code", "kind"), [("E92000001", "england"), ("E47000007", "ca"), ("E08000025", "lad"),
                                            ("E06000065", "lad")])
def test_region_kind_is_read_from_the_data(code, kind):
    assert mapkit.region_kind(code) == kind


def test_an_unknown_region_kind_says_where_codes_are_listed():
    with pytest.raises(UnknownNameError, match="python -m mapkit regions"):
        mapkit.region_kind("E47999999")


def test_source_lines_name_publisher_vintage_licence_and_boundaries():
    spec = mapkit.registry().indicator("imd_score")
    lines = wording.source_lines("imd_score")
    assert lines[0].startswith("IMD score") and spec.period in lines[0]
    assert "Ministry of Housing, Communities and Local Government" in lines[1]
    assert "Open Government Licence" in lines[2]
    assert "Office for National Statistics" in lines[3]


def test_footer_names_every_source_and_escaped_upload_name_once():
    spec = mapkit.registry().indicator("bad_health")
    lines = wording.footer_lines(spec, overlays=["transport_schemes"], nearby_method="within 1 km",
                                 upload_name="my\\_file", basemap_attribution="(C) CARTO")
    assert lines[0].startswith("- **Office for National Statistics**") and "Census 2021" in lines[0]
    assert sum("transport" in line.lower() for line in lines) >= 1
    assert any(line.startswith("- Who lives near: within 1 km;") for line in lines)
    assert any("my\\_file" in line for line in lines)
    assert lines[-1] == "- Basemap: (C) CARTO"
    assert not any("Who lives near" in line for line in wording.footer_lines(spec, nearby_method="x"))


@pytest.mark.parametrize(("python_format", "table_format"), [
    ("{:.1f}%", "%.1f%%"), ("£{:,.0f}", "localized"), ("{:.3f}", "%.3f"), ("{:.1%}", "percent"),
    ("{}", None)])
def test_table_number_format(python_format, table_format):
    assert wording.table_number_format(python_format) == table_format


def test_export_menu_names_files_like_every_export():
    data = prepare(View(region="E08000026", level="ward", indicator="imd_score"))
    content, name, mime = export_file(data, "csv")
    assert name == "E08000026_coventry_imd_score_ward.csv" and mime.startswith("text/csv")
    assert content.startswith(b"area_code,area_name,area_level,") and b"E05001222,Foleshill,ward" in content
    assert table_file_name("imd_score", "ward", "E08000026") == name
    content, name, mime = export_file(data, "xlsx")
    assert name == "E08000026_coventry_imd_score_ward.xlsx" and mime.endswith("spreadsheetml.sheet")
    assert content.startswith(b"PK") and not EXPORTS["xlsx"].static
    assert EXPORTS["png_slide"].suffix == "_slide" and not EXPORTS["csv"].static
    assert size_text(2_500_000) == "2.4 MB" and size_text(10) == "1 kB"
