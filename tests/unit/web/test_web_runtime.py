"""The browser runtime lives in mapkit/web/static as JavaScript and CSS, not in Python strings (issue 16).

tests/js/ tests the JavaScript itself with ``node --test``; these tests check that Python sends those files as they
are, that the codec fixture the JavaScript tests decode is what the Python encoder writes today, and that no Python
file grows JavaScript functions again.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import codec_fixture
from mapkit import web
from mapkit.web.webmap import base_map
from mapkit.web.elements import AreaLayer
from mapkit.web.encode import encode_geometry

ROOT = Path(__file__).resolve().parents[3]
STATIC = ROOT / "mapkit" / "web" / "static"
JS_FUNCTION = re.compile(r"\bfunction\b\s*\w*\s*\(|\)\s*=>|\w\s*=>\s*[{(]")
"""A JavaScript function or arrow function."""
MAX_GLUE_LINES = 12
"""Longest Jinja template a folium element may keep in Python (its lines of text, blank ones aside)."""


def test_the_codec_fixture_is_what_the_python_encoder_writes_today() -> None:
    committed = codec_fixture.FIXTURE.read_text(encoding="utf-8")
    assert committed == codec_fixture.render(), "run: python tests/fixtures/codec_fixture.py"


def test_the_fixture_covers_holes_parts_and_collapsed_areas() -> None:
    fixture = codec_fixture.build()
    shapes = dict(zip(fixture["payload"]["codes"], fixture["expected"]))
    assert len(shapes["hole"]) == 1 and len(shapes["hole"][0]) == 2
    assert len(shapes["parts"]) == 2
    assert shapes["sliver"] == []
    assert max(abs(v) for ring in shapes["far"][0] for xy in ring for v in xy) > 2 ** 20  # five-character varints


def python_strings() -> list[tuple[str, int, str]]:
    """``(file, line, text)`` of every string in mapkit/ and app.py that is not a docstring."""
    out = []
    for path in [ROOT / "app.py", *sorted((ROOT / "mapkit").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree)
                      if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                out.append((str(path.relative_to(ROOT)), node.lineno, node.value))
    return out


def test_no_python_string_holds_a_javascript_function() -> None:
    found = [f"{path}:{line}" for path, line, text in python_strings() if JS_FUNCTION.search(text)]
    assert not found, f"JavaScript functions belong in mapkit/web/static/*.js, not in Python strings: {found}"


def test_jinja_templates_are_a_few_lines_of_glue() -> None:
    long = [f"{path}:{line} ({n} lines)" for path, line, text in python_strings()
            if "{% macro" in text or "{{ this" in text
            for n in [sum(1 for row in text.splitlines() if row.strip())] if n > MAX_GLUE_LINES]
    assert not long, f"templates longer than {MAX_GLUE_LINES} lines: move the code to mapkit/web/static/: {long}"


def test_the_check_would_catch_the_old_runtime() -> None:
    assert JS_FUNCTION.search("var f = function (map) {") and JS_FUNCTION.search("xs.map((x) => x + 1)")
    assert JS_FUNCTION.search("xs.forEach(x => { n++; })")
    assert not JS_FUNCTION.search("each subcommand is a small function in COMMANDS")


def test_every_static_file_is_sent() -> None:
    sent = (set(web.AREAS_RUNTIME) | set(web.UPLOADS_RUNTIME) | set(web.MAP_RUNTIME) | set(web.OWN_AREA_RUNTIME)
            | set(web.LABELS_RUNTIME) | {"map.css"})
    published = set(web.SITE_RUNTIME) | set(web.SITE_STYLES)  # the static site's page (mapkit.publish.site)
    page = set(web.PAGE_RUNTIME) | set(web.PAGE_STYLES)  # the Streamlit page's own (mapkit.app.share)
    assert {p.name for p in STATIC.iterdir() if p.suffix in {".js", ".css"}} == sent | published | page


def test_the_map_carries_each_runtime_file_as_it_is() -> None:
    m = base_map([[52.0, -2.0], [52.1, -1.7]], "none")
    frame = gpd.GeoDataFrame({"code": ["X"], "name": ["X"]}, geometry=[box(-2, 52, -1.9, 52.1)], crs=4326)
    AreaLayer(encode_geometry(frame)).add_to(m)
    html = m.get_root().render()
    for name in (*web.AREAS_RUNTIME, *web.MAP_RUNTIME, "map.css"):
        assert html.count(web.static_text(name)) == 1, name
    assert html.index(web.static_text("map.js")) < html.index("window.mapkit.fitRegion(")


@pytest.mark.parametrize("bad", ["</script>", "{{ x }}", "{% if %}", "{# note #}"])
def test_a_runtime_file_that_cannot_be_sent_inline_is_refused(bad: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "bad.js").write_text(f"var a = 1; // {bad}\n", encoding="utf-8")
    monkeypatch.setattr(web.resources, "files", lambda _package: tmp_path)
    web.static_text.cache_clear()
    try:
        with pytest.raises(ValueError, match="cannot be sent inline"):
            web.static_text("bad.js")
    finally:
        web.static_text.cache_clear()


def test_a_layers_text_reaches_the_page_as_it_is_not_as_a_template() -> None:
    """The page's parts are added as text (elements.PlainRender): a name that looks like Jinja is drawn as written,
    and rendering does not compile the per-area arrays as a template."""
    from unittest import mock

    import jinja2

    m = base_map([[52.0, -2.0], [52.1, -1.7]], "none")
    frame = gpd.GeoDataFrame({"code": ["X"], "name": ["{{ 7 * 7 }} {% if x %}"]}, geometry=[box(-2, 52, -1.9, 52.1)],
                             crs=4326)
    AreaLayer(encode_geometry(frame)).add_to(m)
    compiled: list[str] = []
    original = jinja2.Environment.from_string

    def recorded(env, source, *args, **kwargs):  # noqa: ANN001, ANN202 - jinja2's own signature
        compiled.append(str(source))
        return original(env, source, *args, **kwargs)

    with mock.patch.object(jinja2.Environment, "from_string", recorded):
        html = m.get_root().render()
    assert "{{ 7 * 7 }} {% if x %}" in html  # as written (rendered as Jinja it would read "49 ")
    assert compiled and not any("mapkit.areas" in source for source in compiled)
