"""The hex map as a static page (PNG, PDF, SVG) and from the command line: every district's hexagon in the web map's
colour, the credit, the note, place names; no scale bar, no overlays; clear errors where there is no hex map.

Pixels are read back at each hexagon's centre, located with the page's own transform (the map is drawn in
EPSG:3857), and compared with the fill the geographic web map gives the same area.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mapkit.cli import main
from mapkit.data.hexes import hex_layout
from mapkit.export import FigureOptions, prepare
from mapkit.export.formats import filename
from mapkit.export.hexmap import hex_areas
from mapkit.export.html import map_html
from mapkit.export.static import map_figure, save
from mapkit.export.wording import title
from mapkit.view import View
from map_js import page_data, page_geometry

ENGLAND, WMCA = "E92000001", "E47000007"
CREDIT = "Hex layout: Open Innovations (MIT licence)"
TOLERANCE = 3


def web_fills(view: View) -> dict[str, str | None]:
    """Area code -> fill on the geographic web map (from the exported HTML page's arrays)."""
    page = map_html(prepare(dataclasses.replace(view, layout="map"))).decode("utf-8")
    return dict(zip(page_geometry(page)["codes"], page_data(page)["fill"]))


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize(("region", "level", "n"), [(ENGLAND, "lad", 296), (WMCA, "ward", 192)])
def test_every_hexagon_carries_the_web_maps_colour(region: str, level: str, n: int) -> None:
    view = View(region=region, level=level, indicator="imd_score", layout="hex")
    data = prepare(view)
    drawn = map_figure(data, FigureOptions(dpi=150))
    places = [t.get_text() for t in drawn.map_axes.texts if t.get_gid() == "mapkit-place"]
    assert places[:2] == ["Birmingham", "Leeds" if level == "lad" else "Coventry"]
    for text in drawn.map_axes.texts:  # names sit over hexagons: read the fills without them
        text.set_visible(False)
    image = Image.open(io.BytesIO(save(drawn.figure, "png", dpi=150))).convert("RGB")
    height = drawn.figure.get_size_inches()[1] * 150
    fills = web_fills(view)
    areas = hex_areas(data)
    assert len(areas) == n and list(areas["code"]) == list(data.frame["code"])
    assert drawn.scale_bar is None and not [t for t in drawn.map_axes.texts if t.get_text().endswith(" km")]
    for code, hexagon in zip(areas["code"], areas.geometry):
        x, y = drawn.map_axes.transData.transform(hexagon.centroid.coords[0])
        got = np.array(image.getpixel((int(x), int(round(height - y)))))
        assert np.abs(got - rgb(fills[code])).max() <= TOLERANCE, (code, got, fills[code])


def test_the_page_names_the_largest_places_and_credits_the_layout() -> None:
    data = prepare(View(region=ENGLAND, level="lad", indicator="imd_score", layout="hex"))
    assert title(data) == "IMD score by district: England (hex map)"
    assert filename(data, "png") == "E92000001_england_imd_score_lad_hex.png"
    svg = save(map_figure(data, FigureOptions(dpi=72)).figure, "svg").decode("utf-8")
    text = re.sub(r"\s+", " ", " ".join(re.findall(r">([^<>]+)<", svg)))
    assert "Birmingham" in text and "Leeds" in text and "Cornwall" in text
    assert CREDIT in text and "Open Innovations, Hex cartogram of UK local authority districts" in text
    assert "447 of England's 749 pairs of neighbouring districts (60%)" in text.replace("&#39;", "'")
    assert "British National Grid" not in text, "a hex map has no projection to state"


def test_a_ward_hex_map_says_its_layout_is_computed_and_what_it_keeps() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score", layout="hex"))
    pdf = save(map_figure(data, FigureOptions(dpi=72)).figure, "pdf")
    assert pdf.startswith(b"%PDF")
    svg = save(map_figure(data, FigureOptions(dpi=72)).figure, "svg").decode("utf-8")
    text = re.sub(r"\s+", " ", " ".join(re.findall(r">([^<>]+)<", svg)))
    assert "in a layout computed for West Midlands" in text and "354 of 502 pairs of neighbouring wards (71%)" in text
    assert CREDIT in text
    outlines = [c for c in map_figure(data, FigureOptions(dpi=72)).map_axes.collections
                if len(c.get_paths()) == 7]
    assert outlines, "the seven districts outlined over their wards"


def test_overlays_are_not_drawn_on_a_hex_map_and_the_footer_says_so() -> None:
    view = View(region=WMCA, level="lad", indicator="imd_score", layout="hex", overlays=("growth_locations",))
    data = prepare(view)
    assert data.overlays == {}
    svg = save(map_figure(data, FigureOptions(dpi=72)).figure, "svg").decode("utf-8")
    assert "Overlays are not drawn on a hex map" in svg
    assert prepare(dataclasses.replace(view, layout="map")).overlays, "the geographic map draws them"


def test_extreme_labels_name_a_place_once() -> None:
    data = prepare(View(region=WMCA, level="lad", indicator="imd_score", layout="hex"))
    texts = [t.get_text() for t in map_figure(data, FigureOptions(dpi=72, labels=2)).map_axes.texts]
    assert sorted(texts) == sorted(set(texts)) and len(texts) == 7


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_the_command_line_exports_the_hex_map(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"hex.{fmt}"
    assert main(["export", "--region", ENGLAND, "--level", "lad", "--indicator", "imd_score", "--layout", "hex",
                 "--format", fmt, "--dpi", "72", "-o", str(out)]) == 0
    payload = out.read_bytes()
    if fmt == "png":
        assert Image.open(io.BytesIO(payload)).size == FigureOptions(dpi=72).pixels
    elif fmt == "svg":
        assert CREDIT in payload.decode("utf-8")
    else:
        pypdf = pytest.importorskip("pypdf")
        text = " ".join(pypdf.PdfReader(out).pages[0].extract_text().split())
        assert "(hex map)" in text and CREDIT in text and "Birmingham" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--region", ENGLAND, "--level", "ward"], "not for England as a whole"),
    (["--region", WMCA, "--level", "lsoa"], "not of LSOAs"),
])
def test_where_there_is_no_hex_map_the_command_says_why(args: list[str], message: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.png"
    assert main(["export", *args, "--indicator", "imd_score", "--layout", "hex", "--format", "png",
                 "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_the_hex_layout_lacking_an_area_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from mapkit.errors import ProductError
    from mapkit.export import hexmap

    layout = hex_layout("lad", WMCA)
    monkeypatch.setattr(hexmap, "hex_layout", lambda level, region: layout.iloc[1:])
    with pytest.raises(ProductError, match="no hexagon for 1 of the 7 areas.*build-data"):
        hex_areas(prepare(View(region=WMCA, level="lad", indicator="imd_score", layout="hex")))



def test_a_long_bold_title_wraps_before_the_pages_edge() -> None:
    """A bivariate hex map's title overran the A4 page when bold type was wrapped as regular type."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mapkit.export.page_text import wrap
    from mapkit.export.options import PAGES
    from mapkit.export.static import MARGIN, TITLE_SIZE

    text = "IMD score and change in GVA per hour worked, 2013 to 2023 by district: England (hex map)"
    width = PAGES["a4"].width - 2 * MARGIN
    figure = Figure(figsize=(PAGES["a4"].width, 2), dpi=72)
    FigureCanvasAgg(figure)
    renderer = figure.canvas.get_renderer()

    def widest(lines: list[str]) -> float:
        return max(figure.text(0, 0.5, line, fontsize=TITLE_SIZE, fontweight="bold",
                               family="DejaVu Sans").get_window_extent(renderer).width / 72 for line in lines)

    assert widest(wrap(text, width, TITLE_SIZE)) > width, "as regular type it overruns (the case this fixes)"
    assert widest(wrap(text, width, TITLE_SIZE, bold=True)) <= width
