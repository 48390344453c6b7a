"""Static map exports checked as images: page size and resolution, class colours at known areas, greyscale.

Pixels are read back from the PNG at each area's representative point, located with the figure's own transform
(the map is drawn in EPSG:27700), and compared with the fill the web map gives the same area.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image
from shapely.geometry import MultiPolygon, Polygon

from mapkit.specs import palettes
from mapkit.export import FigureOptions, prepare
from mapkit.view import View
from mapkit.export.cartography import add_polygons, geometry_paths, nice_length
from mapkit.export.html import map_html
from mapkit.export.options import PAGES
from mapkit.export.static import map_figure, save, static_bytes
from mapkit.data.io import BNG
from map_js import page_data, page_geometry

WMCA = "E47000007"
COVENTRY = "E08000026"
TOLERANCE = 3


def png_image(payload: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(payload))
    image.load()
    return image


def web_fills(data) -> dict[str, str | None]:
    """Area code -> fill colour on the web map (from the exported HTML page's data arrays)."""
    page = map_html(data).decode("utf-8")
    return dict(zip(page_geometry(page)["codes"], page_data(page)["fill"]))


def pixel_at(image: Image.Image, figure, ax, x: float, y: float) -> tuple[int, int, int]:
    """RGB of the PNG pixel under data point (x, y) of ``ax`` (PNG saved at the figure's dpi, no cropping)."""
    px, py = ax.transData.transform((x, y))
    height = figure.get_size_inches()[1] * figure.dpi
    return image.convert("RGB").getpixel((int(px), int(round(height - py))))


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize(("page", "dpi"), [("a4", 300), ("a4", 96), ("slide", 150)])
def test_png_has_the_page_size_and_resolution(page: str, dpi: int) -> None:
    options = FigureOptions(page=page, dpi=dpi)
    image = png_image(static_bytes(prepare(View(region=COVENTRY, level="ward", indicator="imd_score")),
                                   "png", options))
    width, height = options.pixels
    assert image.size == (width, height)
    assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.03)  # PNG stores whole pixels per metre
    assert image.width / image.height == pytest.approx(PAGES[page].width / PAGES[page].height, rel=1e-3)


def test_a4_at_300_dpi_is_print_size() -> None:
    assert FigureOptions().pixels == (3508, 2480)
    assert FigureOptions(page="slide").pixels == (4000, 2250)


@pytest.mark.parametrize(("palette", "scheme", "breaks_from"), [
    ("default", None, "england"),
    ("viridis", "quantiles", "region"),
    ("print", "natural_breaks", "england"),
])
def test_area_pixels_carry_the_web_maps_class_colour(palette: str, scheme: str | None, breaks_from: str) -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score", scheme=scheme, breaks_from=breaks_from,
                              palette=palette))
    drawn = map_figure(data, FigureOptions(dpi=100))
    image = png_image(save(drawn.figure, "png", dpi=100))
    fills = web_fills(data)
    areas = data.frame.to_crs(BNG)
    largest = areas.assign(area=areas.geometry.area).sort_values("area", ascending=False).head(6)
    for index, row in largest.iterrows():
        point = row.geometry.representative_point()
        got = np.array(pixel_at(image, drawn.figure, drawn.map_axes, point.x, point.y))
        expected = fills[row["code"]]
        assert expected is not None, f"{row['name']} has no figure"
        class_colour = data.colours[data.classification.classes[data.frame.index.get_loc(index)]]
        assert expected == class_colour
        assert np.abs(got - hex_rgb(expected)).max() <= TOLERANCE, (row["name"], got, expected)


def test_greyscale_palette_gives_a_grey_page_even_with_overlays() -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score", palette="print",
                              overlays=("growth_locations", "transport_schemes")))
    assert data.ramp.greyscale
    rgb = np.asarray(png_image(static_bytes(data, "png", FigureOptions(dpi=80, labels=3))).convert("RGB"),
                     dtype=int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert spread.max() <= 2, f"{int((spread > 2).sum())} coloured pixels on a greyscale map"
    assert len(np.unique(rgb[..., 0])) > 20, "expected many grey levels (classes, text, outlines)"


def test_colour_palette_page_is_not_grey() -> None:
    rgb = np.asarray(png_image(static_bytes(prepare(View(region=COVENTRY, level="ward",
                                                               indicator="imd_score")), "png",
                                            FigureOptions(dpi=72))).convert("RGB"), dtype=int)
    assert (rgb.max(axis=2) - rgb.min(axis=2)).max() > 100


@pytest.mark.parametrize("palette", ["default", "print"])
def test_no_data_areas_take_the_palettes_no_data_style(palette: str) -> None:
    data = prepare(View(region="E47000004", level="ward", indicator="imd_score", palette=palette))
    assert data.classification.n_missing == 1
    drawn = map_figure(data, FigureOptions(dpi=72))
    no_data = palettes.resolve(palette, data.spec.palette).no_data
    hatched = [c for c in drawn.map_axes.collections if c.get_hatch()]
    assert len(hatched) == 1
    np.testing.assert_allclose(hatched[0].get_facecolor()[0][:3], hex_rgb(no_data.fill) / 255, atol=1e-6)


def test_scale_bar_is_true_in_metres() -> None:
    data = prepare(View(region=COVENTRY, level="ward", indicator="imd_score"))
    drawn = map_figure(data, FigureOptions(dpi=72))
    ax, bar = drawn.map_axes, drawn.scale_bar
    label = next(t for t in ax.texts if t.get_text().endswith(" km"))
    assert float(label.get_text().split()[0]) * 1000 == bar.length
    assert sum(p.get_width() for p in bar.segments) == pytest.approx(bar.length)
    left = bar.segments[0].get_x()
    assert label.get_position()[0] == pytest.approx(left + bar.length)
    assert 0.1 < bar.length / np.diff(ax.get_xlim())[0] < 0.25
    west, _, east, _ = data.frame.to_crs(BNG).total_bounds  # the axes are British National Grid metres
    assert ax.get_xlim()[0] < west < east < ax.get_xlim()[1]


@pytest.mark.parametrize(("target", "expected"), [(23_000, 20_000), (7_400, 5_000), (1_999, 1_000), (380, 200)])
def test_nice_length(target: float, expected: float) -> None:
    assert nice_length(target) == expected


@pytest.mark.parametrize("hole", [[(4, 4), (6, 4), (6, 6), (4, 6)], [(4, 4), (4, 6), (6, 6), (6, 4)]])
def test_polygons_render_with_holes_and_every_part(hole: list[tuple[int, int]]) -> None:
    ring = [(0, 0), (10, 0), (10, 10), (0, 10)]
    shapes = [Polygon(ring, [hole]), MultiPolygon([Polygon([(12, 1), (19, 1), (19, 9), (12, 9)]),
                                                   Polygon([(20, 1), (24, 1), (24, 9)])])]
    assert [len(p.vertices) for p in geometry_paths(shapes)] == [10, 9]
    fig = Figure(figsize=(2.5, 1), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 25)
    ax.set_ylim(0, 10)
    add_polygons(ax, shapes, facecolors=["#000000", "#ff0000"], edgecolors="none")
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]

    def at(x: float, y: float) -> tuple[int, ...]:
        px, py = ax.transData.transform((x, y))
        return tuple(int(v) for v in rgb[int(100 - py), int(px)])

    assert at(2, 2) == (0, 0, 0)
    assert at(5, 5) == (255, 255, 255), "the hole must stay unfilled whatever its ring orientation"
    assert at(15, 5) == (255, 0, 0) and at(23, 3) == (255, 0, 0)


def test_labels_do_not_overlap_and_name_the_extremes() -> None:
    data = prepare(View(region=COVENTRY, level="lsoa", indicator="income_score"))
    drawn = map_figure(data, FigureOptions(dpi=100, labels=8))
    renderer = drawn.figure.canvas.get_renderer()
    labels = [t for t in drawn.map_axes.texts if t.get_text().startswith("Coventry")]
    assert len(labels) == 16
    boxes = []
    for text in labels:
        text.update_positions(renderer)
        boxes.append(super(type(text), text).get_window_extent(renderer))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "two labels overlap"
    ranked = data.frame.sort_values("value", ascending=False)["name"]
    names = {t.get_text() for t in labels}
    assert set(ranked.head(8)) | set(ranked.tail(8)) == names


@pytest.mark.parametrize("page", list(PAGES))
def test_legend_fits_beside_the_map_with_deciles_and_both_overlays(page: str) -> None:
    data = prepare(View(region=WMCA, level="ward", indicator="imd_score",
                              overlays=("growth_locations", "transport_schemes")))
    drawn = map_figure(data, FigureOptions(page=page, dpi=72, labels=5))
    assert drawn.legend_height <= drawn.legend_room
