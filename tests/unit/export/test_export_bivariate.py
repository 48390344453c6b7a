"""Static bivariate maps (PNG, SVG): areas in their cell's colour, as on the web map; the 2-D key with both axes,
their directions and the count of areas in each cell; both sources in the footer."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from mapkit.analysis.map_data import prepare
from mapkit.data.io import BNG
from mapkit.export.html import map_html
from mapkit.export.options import FigureOptions
from mapkit.export.static import map_figure, save, static_bytes
from mapkit.view import View
from map_js import page_data, page_geometry

WMCA = "E47000007"
GVA_CHANGE = {"versus": "gva_per_hour", "versus_change": (2013, 2023)}


@pytest.fixture(scope="module")
def bivariate():
    return prepare(View(region=WMCA, level="lad", indicator="imd_score", **GVA_CHANGE))


def test_area_pixels_carry_the_web_maps_cell_colour(bivariate) -> None:
    page = map_html(bivariate).decode("utf-8")
    fills = dict(zip(page_geometry(page)["codes"], page_data(page)["fill"]))
    drawn = map_figure(bivariate, FigureOptions(dpi=100))
    image = Image.open(io.BytesIO(save(drawn.figure, "png", dpi=100))).convert("RGB")
    height = drawn.figure.get_size_inches()[1] * drawn.figure.dpi
    areas = bivariate.frame.to_crs(BNG)
    for _, row in areas.iterrows():
        point = row.geometry.representative_point()
        px, py = drawn.map_axes.transData.transform((point.x, point.y))
        got = np.array(image.getpixel((int(px), int(round(height - py)))))
        expected = np.array([int(fills[row["code"]][i:i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(got - expected).max() <= 3, row["name"]


def test_svg_key_has_both_axes_and_the_counts(bivariate) -> None:
    svg = static_bytes(bivariate, "svg", FigureOptions(dpi=72)).decode("utf-8")
    text = " ".join(re.findall(r">([^<>]+)</text>", svg))
    assert "IMD score: more deprived \u2192" in text
    assert "faster growth \u2191" in text
    counts = [int(n) for n in re.findall(r'<g id="mapkit-cell-count">\s*<text[^>]*>(\d+)</text>', svg)]
    expected = bivariate.versus.cells.counts  # drawn bottom row first, left to right
    assert counts == [int(expected[y, x]) for y in range(3) for x in range(3)]
    assert sum(counts) == 7
    assert "Joshua Stevens" in svg and "Pearson r = +0.61" in svg
    assert "Second measure, Change in GVA per hour worked" in svg
    assert "IMD score and change in GVA per hour worked, 2013 to 2023 by district" in svg


def test_pdf_is_written(bivariate) -> None:
    assert static_bytes(bivariate, "pdf", FigureOptions(dpi=72))[:5] == b"%PDF-"


def test_pack_has_the_two_measures_page_and_each_measure_s_pages(bivariate) -> None:
    pypdf = pytest.importorskip("pypdf")
    from mapkit.export.formats import render

    reader = pypdf.PdfReader(io.BytesIO(render(bivariate, "pack", FigureOptions(dpi=72))))
    texts = [page.extract_text() for page in reader.pages]
    assert len(texts) == 5  # map, two measures, IMD summary, GVA change summary, GVA trend
    assert "IMD score against change in GVA per hour worked" in texts[1]
    assert "more deprived, middling growth (3-2): 3" in texts[1]
    assert "Birmingham, Coventry, Sandwell" in texts[1]
    assert "(n = 7)" in texts[1] and "(n = 296)" in texts[1]


def test_csv_and_file_names_of_a_bivariate_map(bivariate) -> None:
    import pandas as pd

    from mapkit.export.formats import filename, render

    table = pd.read_csv(io.BytesIO(render(bivariate, "csv")))
    assert len(table) == 7 and {"value", "versus_value", "bivariate_class"} <= set(table.columns)
    assert filename(bivariate, "png") == "E47000007_west-midlands_imd_score_vs_gva_per_hour_lad.png"
