"""Text in the vector exports: title, classification, legend labels and every source line can be extracted.

PDF text is read with pypdf (fonts are embedded as TrueType), SVG text from its ``<text>`` elements. Lines that
were wrapped on the page are compared with whitespace normalised.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest

from mapkit.export import FigureOptions, prepare
from mapkit.view import View
from mapkit.export.pack import pack_pdf
from mapkit.export.static import static_bytes
from mapkit.export.summary import summarise
from mapkit.export.wording import source_lines, subtitle, title
from mapkit.specs.registry import overlay_specs, registry

pypdf = pytest.importorskip("pypdf", reason="pip install -r requirements-dev.txt")

VIEWS = {
    "wmca-deciles-overlays": View(region="E47000007", level="ward", indicator="imd_score",
                                        overlays=("growth_locations", "transport_schemes")),
    "liverpool-breaks-region": View(region="E47000004", level="ward", indicator="level4_qualifications",
                                          scheme="natural_breaks", k=6, breaks_from="region", palette="print"),
}
OS_LINE = "Contains OS data © Crown copyright and database right 2025"


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(payload: bytes) -> list[str]:
    return [flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(payload)).pages]


def svg_text(payload: bytes) -> str:
    root = ET.fromstring(payload)
    return flat(" ".join("".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")))


@pytest.fixture(scope="module", params=list(VIEWS))
def data(request: pytest.FixtureRequest):
    return prepare(VIEWS[request.param])


@pytest.fixture(scope="module", params=["pdf", "svg"])
def page_text(request: pytest.FixtureRequest, data) -> str:
    payload = static_bytes(data, request.param, FigureOptions(labels=2))
    return pdf_text(payload)[0] if request.param == "pdf" else svg_text(payload)


def test_title_and_classification_are_text(page_text: str, data) -> None:
    assert flat(title(data)) in page_text
    assert flat(subtitle(data)) in page_text
    compare = "compared with England" if data.view.breaks_from == "england" else "within this region"
    assert compare in page_text


def test_every_legend_class_and_no_data_is_text(page_text: str, data) -> None:
    for label, count in zip(data.classification.labels, data.classification.counts):
        assert f"{label} ({count:,})" in page_text
    assert f"No data ({data.classification.n_missing:,})" in page_text
    assert f"Unit: {data.spec.unit}" in page_text


def test_footer_has_every_source_vintage_and_licence(page_text: str, data) -> None:
    source = registry().source_for(data.view.indicator)
    for line in source_lines(data):
        assert flat(line) in page_text
    assert source.vintage in page_text
    assert "Open Government Licence v3.0" in page_text
    assert OS_LINE in page_text
    for overlay_id in data.overlays:
        assert flat(overlay_specs()[overlay_id].attribution) in page_text


def test_overlay_legend_is_text_when_overlays_are_shown(page_text: str, data) -> None:
    if not data.overlays:
        assert "Overlays: status" not in page_text
        return
    assert "Overlays: status" in page_text
    for status in ("Open", "Under construction", "Planned (hollow)"):
        assert re.search(rf"{re.escape(status)} \(\d+\)", page_text)


def font_descriptor(font):
    """A font's descriptor; Type0 (composite) fonts keep it on their descendant font."""
    font = font.get_object()
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    return font["/FontDescriptor"].get_object()


def test_pdf_embeds_truetype_fonts() -> None:
    payload = static_bytes(prepare(VIEWS["liverpool-breaks-region"]), "pdf", FigureOptions())
    fonts = pypdf.PdfReader(io.BytesIO(payload)).pages[0]["/Resources"]["/Font"]
    assert fonts
    for name, font in fonts.items():
        assert "/FontFile2" in font_descriptor(font), f"font {name} is not an embedded TrueType font"


def test_svg_text_is_not_outlined() -> None:
    payload = static_bytes(prepare(VIEWS["liverpool-breaks-region"]), "svg", FigureOptions())
    assert b"<text" in payload
    assert b"DejaVuSans-" not in payload, "glyphs were drawn as paths (svg.fonttype should be 'none')"


def test_briefing_pack_pages_hold_map_summary_and_rankings() -> None:
    data = prepare(VIEWS["wmca-deciles-overlays"])
    pages = pdf_text(pack_pdf(data, FigureOptions(labels=3)))
    # map, summary and rankings, the overlay schemes (tests/unit/export/test_export_overlays.py), then one scorecard
    # page per scheme (tests/unit/export/test_scorecard_export.py)
    schemes = [p for p in pages[2:] if "Overlay schemes in West Midlands" in p]
    scorecards = pages[2 + len(schemes):]
    assert schemes and pages[2:2 + len(schemes)] == schemes
    assert scorecards and all("Scorecard." in p for p in scorecards)
    assert "Growth Zone: East Birmingham & North Solihull" in " ".join(schemes)
    assert flat(title(data)) in pages[0] and OS_LINE in pages[0]
    for sentence in summarise(data):
        assert flat(sentence) in pages[1]
    assert "The 10 most deprived wards" in pages[1] and "The 10 least deprived wards" in pages[1]
    frame = data.frame.sort_values("value", ascending=False)
    assert "1 Handsworth Birmingham 63.86 17 of 6,784 1" in pages[1]
    for name in frame["name"].head(3):
        assert name in pages[1]
    assert OS_LINE in pages[1]
