"""mapkit.app.compare: the Compare areas tab: the picker shows the view's list, a wide table per theme holds each
area's published figure beside its combined authority, region and England."""

from __future__ import annotations

from app_parts import part

import mapkit
from mapkit.view import View

BIRMINGHAM, MANCHESTER = "E08000025", "E08000003"


def test_areas_side_by_side_with_their_published_figures() -> None:
    view = View(region=mapkit.ENGLAND, level="lad", indicator="imd_score", compare_areas=(BIRMINGHAM, MANCHESTER))
    at = part("compare", "show_compare", view)
    assert at.multiselect(key="w_compare_areas").value == [BIRMINGHAM, MANCHESTER]
    assert at.selectbox(key="w_compare_theme").value == "Deprivation (IoD2025)"
    wide = at.table[0].value
    spec = mapkit.registry().indicator("imd_score")
    values = mapkit.load_indicator("imd_score", "lad").set_index("code")["value"]
    row = wide.loc[f"{spec.label} ({spec.unit})"]
    assert row["Birmingham"] == spec.format_value(float(values[BIRMINGHAM]))
    assert row["Manchester"] == spec.format_value(float(values[MANCHESTER]))
    assert {"West Midlands (CA)", "Greater Manchester (CA)", "Median of England's districts"} <= set(wide.columns)
    assert "No England figure: MHCLG publishes IoD2025 figures for LSOAs and local authority districts, not for " \
        "England or regions." in [c.value for c in at.caption]  # missing, with the reason
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the comparison, every theme (CSV)", "Download the comparison, every theme (Excel, with sources)"]


def test_no_area_and_lsoas_say_what_to_do() -> None:
    empty = part("compare", "show_compare", View(region=mapkit.ENGLAND, level="lad"))
    assert any(c.value.startswith("No area chosen yet") for c in empty.caption)
    lsoas = part("compare", "show_compare", View(region="E08000026", level="lsoa"))
    assert [c.value for c in lsoas.caption] == ["Choose wards, districts or combined authorities (sidebar, Areas) to "
                                                "compare areas."]
