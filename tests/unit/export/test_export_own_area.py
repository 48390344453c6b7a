"""Exports of a user's own area (mapkit.export.own_area): tables, outline, and pages that show the outline."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from shapely.geometry import Polygon

from mapkit.analysis.own_area import own_area_profile
from mapkit.data import own_areas
from mapkit.data.uploads import read_upload
from mapkit.errors import UnknownNameError
from mapkit.export import own_area as export
from mapkit.export.static import save

EAST_BIRMINGHAM = Polygon([(-1.84, 52.47), (-1.76, 52.46), (-1.74, 52.50), (-1.83, 52.51)])


@pytest.fixture(scope="module")
def profile():
    return own_area_profile(own_areas.from_shape(EAST_BIRMINGHAM, name="=Stechford & <Hodge Hill>"))


def test_the_tidy_csv_has_the_core_columns_and_is_spreadsheet_safe(profile):
    text = export.export_own_area(profile, "csv").decode("utf-8")
    table = pd.read_csv(io.StringIO(text))
    assert list(table.columns) == ["area_code", "area_name", "area_level", "indicator_id", "indicator", "period",
                                   "value", "unit", "source", "method"]
    assert (table["area_name"] == "'=Stechford & <Hodge Hill>").all()  # a formula start is neutralised
    assert table.set_index("indicator_id").loc["population", "value"] == pytest.approx(profile.population)
    assert table["source"].notna().all() and table["period"].notna().all()


def test_the_lsoa_csv_lists_weights_that_sum_to_the_residents(profile):
    text = export.export_own_area(profile, "lsoas").decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Census 2021" in line for line in header) and any("Method:" in line for line in header)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert table["residents_counted"].sum() == pytest.approx(profile.population, rel=1e-6)
    assert set(table["counted"]) == {"whole", "apportioned"}
    whole = table[table["counted"] == "whole"]
    assert (whole["weight"] == 1).all() and (table["weight"] <= 1).all() and (table["weight"] > 0).all()


def test_json_has_population_and_ten_deciles(profile):
    data = json.loads(export.export_own_area(profile, "json"))
    assert data["population"] == pytest.approx(profile.population) and len(data["imd_decile_population"]) == 10
    assert sum(data["imd_decile_population"]) == pytest.approx(profile.population)


def test_the_geojson_reads_back_as_an_upload(profile):
    data = export.export_own_area(profile, "geojson")
    frame = read_upload(data, export.file_name(profile, "geojson"))
    assert frame["name"].iloc[0] == profile.area.name
    assert frame.geometry.iloc[0].symmetric_difference(profile.area.shape).area < 1e-9


def test_the_map_page_shows_the_outline_in_black(profile):
    fig = export.map_page(profile)
    ax = fig.axes[0]
    fig.set_dpi(100)  # pixel positions below are at the resolution saved
    png = save(fig, "png", dpi=100)
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    height = image.shape[0]
    outline = gpd.GeoSeries([profile.area.shape], crs=4326).to_crs(27700).iloc[0].exterior
    samples = [outline.interpolate(f, normalized=True) for f in np.linspace(0, 1, 80, endpoint=False)]
    pixels = ax.transData.transform([(p.x, p.y) for p in samples])
    centre = ax.transData.transform([outline.centroid.coords[0]])[0]

    def dark(points) -> float:
        found = [image[height - int(round(y)) - 1, int(round(x))].max() < 90 for x, y in points]
        return sum(found) / len(found)

    assert dark(pixels) > 0.9
    inside = centre + 0.7 * (pixels - centre)  # well inside the outline: deprivation colours, not the line
    assert dark(inside) < 0.2
    assert "Stechford" in fig.texts[0].get_text()


def test_the_pdf_has_the_map_and_the_profile_page(profile):
    pdf = export.export_own_area(profile, "pdf")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 2
    page = export.profile_page(profile)
    texts = " ".join(t.get_text() for t in page.texts)
    assert "IMD score: " in texts and "of 6,784 wards" in texts and "Open Government Licence" in texts
    assert profile.sentence()[:40] in texts


def test_unknown_format_is_refused(profile):
    with pytest.raises(UnknownNameError, match="use one of json, csv"):
        export.export_own_area(profile, "xlsx")
    assert export.file_name(profile, "pdf").endswith(f"{profile.area.code}.pdf")
