"""Static exports carry the overlays switched on: zones, lines and points with their key (WMCA wards).

Checked by reading the exported SVG's text and the PNG's pixels at the features' own positions.
"""

from __future__ import annotations

import html
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from mapkit.export import FigureOptions, prepare
from mapkit.export.static import map_figure, save, static_bytes
from mapkit.data.io import BNG
from mapkit.specs.overlay_styles import STATUS_STYLES
from mapkit.view import View

WMCA = "E47000007"
ON = View(region=WMCA, level="ward", indicator="imd_score", overlays=("growth_locations", "transport_schemes"))
OFF = View(region=WMCA, level="ward", indicator="imd_score")
EBNS = "growth-zone-east-birmingham-north-solihull-zone"
DPI = 100


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])


def _render(view: View):
    data = prepare(view)
    drawn = map_figure(data, FigureOptions(dpi=DPI))
    image = Image.open(io.BytesIO(save(drawn.figure, "png", dpi=DPI))).convert("RGB")
    height = drawn.figure.get_size_inches()[1] * drawn.figure.dpi

    rgb = np.asarray(image, dtype=int)

    def pixel(x: float, y: float, reach: int = 0) -> np.ndarray:
        """The pixels within ``reach`` pixels of data point (x, y), as rows of RGB."""
        px, py = drawn.map_axes.transData.transform((x, y))
        col, row = int(px), int(round(height - py))
        return rgb[row - reach:row + reach + 1, col - reach:col + reach + 1].reshape(-1, 3)

    return data, pixel


@pytest.fixture(scope="module")
def rendered():
    return _render(ON), _render(OFF)


def _share_near(pixel, points, colour: str, *, reach: int = 0, tolerance: int = 40) -> float:
    """Share of ``points`` with a pixel of ``colour`` within ``reach`` pixels (a dashed line's ink is near)."""
    target = _rgb(colour)
    hits = [(np.abs(pixel(x, y, reach) - target).max(axis=1) <= tolerance).any() for x, y in points]
    return sum(hits) / len(hits)


def test_zone_outline_is_drawn_in_its_status_colour(rendered):
    (data, pixel), (_, bare) = rendered
    growth = data.overlays["growth_locations"].to_crs(BNG)
    zone = growth[growth["id"] == EBNS].iloc[0]
    ring = max(zone.geometry.geoms, key=lambda g: g.area).exterior
    samples = [ring.interpolate(f, normalized=True) for f in np.linspace(0, 1, 200, endpoint=False)]
    points = [(p.x, p.y) for p in samples]
    colour = STATUS_STYLES[zone["status_category"]].colour  # planned: dashed green
    # Dashed 5-on 6-off: about half the outline is ink; a pixel either side catches the antialiased edge.
    assert _share_near(pixel, points, colour, reach=1) > 0.3
    assert _share_near(bare, points, colour, reach=1) == 0.0


def test_open_line_and_markers_are_drawn_at_their_positions(rendered):
    (data, pixel), (_, bare) = rendered
    transport = data.overlays["transport_schemes"].to_crs(BNG)
    blue = STATUS_STYLES["open"].colour
    lines = transport[(transport.geom_type == "LineString") & (transport["status_category"] == "open")]
    assert len(lines)
    along = [(p.x, p.y) for g in lines.geometry for p in
             (g.interpolate(f, normalized=True) for f in np.linspace(0.05, 0.95, 19))]
    assert _share_near(pixel, along, blue) > 0.8
    assert _share_near(bare, along, blue) < 0.05
    stops = transport[(transport.geom_type == "Point") & (transport["status_category"] == "open")]
    centres = list(zip(stops.geometry.x, stops.geometry.y))
    assert _share_near(pixel, centres, blue) > 0.8


def test_svg_names_zones_lines_points_and_their_key():
    svg = static_bytes(prepare(ON), "svg", FigureOptions(dpi=DPI)).decode("utf-8")
    assert re.search(r'<g id="mapkit-zone(_\d+)?">', svg), "zone outlines are grouped as mapkit-zone"
    words = " ".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    words = " ".join(words.split())
    for phrase in ("Overlays: status", "Outlined areas (14): zones and corridors", "Lines (8)", "Squares (",
                   "Circles (", "East Birmingham & North Solihull", "Planned (hollow)", "Open", "Proposed"):
        assert phrase in words, phrase


def test_no_overlays_no_zone_text():
    text = static_bytes(prepare(OFF), "svg", FigureOptions(dpi=DPI)).decode("utf-8")
    assert "Outlined areas" not in text and "mapkit-zone" not in text


def test_briefing_pack_lists_the_schemes_with_status_date_source_and_residents():
    import zipfile

    from mapkit.export.pack import pack_zip, scheme_pages
    from mapkit.export.schemes import scheme_table
    from mapkit.analysis.zones import residents_in_zone

    data = prepare(ON)
    table = scheme_table(data)
    drawn = sum(int((f.geom_type != "LineString").sum()) for f in data.overlays.values())
    assert len(table) == drawn
    growth = data.overlays["growth_locations"]
    zone = growth[growth["id"] == EBNS].iloc[0]
    row = table[(table["Name"] == zone["name"]) & (table["Counted"] == "in its 23 wards")].iloc[0]
    expected = residents_in_zone(zone.to_dict(), zone.geometry)
    assert row["Residents"] == round(expected.total_population, -1)
    assert row["Most deprived 20% (%)"] == round(100 * expected.most_deprived_share, 1)
    assert row["Status"] == "Planned" and row["Status date"] == "2023-12-21" and row["Source URL"].startswith("http")
    assert (table["Source"] != "").all()
    pages = scheme_pages(data, table)
    words = " ".join(t.get_text() for page in pages for ax in page.axes for t in ax.texts)
    assert "Growth Zone: East Birmingham & North Solihull" in words and "in its 23 wards" in words
    with zipfile.ZipFile(io.BytesIO(pack_zip(data, FigureOptions(dpi=72)))) as archive:
        name = next(n for n in archive.namelist() if n.endswith("_schemes.csv"))
        schemes = pd.read_csv(io.BytesIO(archive.read(name)))
        about = json.loads(archive.read(name + "-metadata.json"))
    zone = schemes[schemes["area_name"] == "Growth Zone: East Birmingham & North Solihull"].set_index("indicator_id")
    assert zone.at["residents", "value"] == row["Residents"] and zone.at["residents", "unit"] == "people"
    assert zone.at["residents_most_deprived_20pct", "value"] == row["Most deprived 20% (%)"]
    assert zone.at["residents", "status_date"] == "2023-12-21"
    assert any(line.startswith("Residents: points within 1 km") for line in about["rdfs:comment"])


def test_as_of_date_drops_schemes_recorded_later_and_judges_staleness_by_it():
    from mapkit.export.schemes import scheme_table

    early = prepare(View(region=WMCA, level="ward", indicator="imd_score", overlays=("growth_locations",),
                         as_of="2024-01-01"))
    names = set(early.overlays["growth_locations"]["name"])
    assert "Growth Zone: East Birmingham & North Solihull" in names  # designated 2023-12-21
    assert "WM Investment Zone: Birmingham Knowledge Quarter" not in names  # status dated 2024-06-14
    table = scheme_table(early)
    row = table[table["Name"] == "Growth Zone: East Birmingham & North Solihull"].iloc[0]
    assert row["Stale"] == ""  # 11 days old on the as-of date


def test_cli_export_takes_an_as_of_date(tmp_path, capsys):
    from mapkit.cli import main

    out = tmp_path / "wmca.svg"
    base = ["export", "--region", WMCA, "--level", "ward", "--indicator", "imd_score", "--overlays", "growth",
            "--format", "svg", "-o", str(out)]
    assert main([*base, "--as-of", "2024-13-01"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err and not out.exists()
    assert main([*base, "--as-of", "2024-01-01"]) == 0
    words = html.unescape(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text(encoding="utf-8"))))
    assert "East Birmingham & North Solihull" in words and "Knowledge Quarter" not in words
