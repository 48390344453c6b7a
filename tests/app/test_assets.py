"""Serving the map's scripts from the app's own server (mapkit.web.assets): install, URL rewriting, and the app's
warning.

The rewriting is checked against what streamlit-folium really sends to its frame: ``st_folium`` is called with its
component function replaced by one that records the ``js_links`` and ``css_links`` arguments.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import branca.colormap
import folium
import folium.plugins
import pytest
import streamlit_folium
from streamlit.testing.v1 import AppTest

from mapkit.web import assets
from mapkit.view import View
from mapkit.web.webmap import WebMap, build_map
from mapkit.errors import AssetError
from mapkit.specs.registry import overlay_declarations
from mapkit.data.overlays import overlay_in_region
from mapkit.web.overlays import overlay_layers
from mapkit.data.uploads import read_upload
from mapkit.web.upload_layer import upload_layer

APP = str(Path(__file__).resolve().parents[2] / "app.py")
WMCA = "E47000007"
LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"


@pytest.fixture(scope="module")
def vendor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``install_assets`` into a temporary folder (from node_modules/, as ``python -m mapkit install-assets``)."""
    missing = assets.missing_assets()
    if missing:
        pytest.skip(f"browser assets missing ({', '.join(missing[:3])}): run bash tools/install_browser_assets.sh")
    target = tmp_path_factory.mktemp("static") / "vendor"
    assets.install_assets(target=target)
    return target


def our_map(basemap: str = "light", *, level: str = "ward", region: str = WMCA) -> WebMap:
    """The app's map with everything it can draw: choropleth, outlines, every overlay and an upload."""
    extra = [group for overlay in overlay_declarations().overlays
             for group in overlay_layers(overlay_in_region(overlay, region), overlay)]
    upload = read_upload(b"name,lat,lon\nHub,52.48,-1.9\n", "mine.csv")
    extra.append(upload_layer(upload, "mine.csv"))
    return build_map(View(region=region, level=level, indicator="imd_score", scheme="quantiles", basemap=basemap),
                     extra_layers=extra)


def sent_links(view: WebMap, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The script and stylesheet URLs ``st_folium`` passes to its frame for this map."""
    sent: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        streamlit_folium.st_folium(view.base, key="map", feature_group_to_add=list(view.layers),
                                   layer_control=view.layer_control(), returned_objects=["last_active_drawing"])
    return [*sent["js_links"], *sent["css_links"]]


@pytest.mark.parametrize("basemap", ["light", "none"])
def test_every_link_streamlit_folium_sends_is_an_installed_local_file(basemap: str, vendor: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    view = our_map(basemap)
    before = sent_links(our_map(basemap), monkeypatch)
    assert LEAFLET_JS in before
    replaced = assets.serve_locally(view.base, *view.layers, vendor=vendor)
    links = sent_links(view, monkeypatch)
    assert len(links) == len(before) and set(replaced) == set(before)
    prefix = "/app/static/vendor/"
    for link in links:
        assert link.startswith(prefix), link
        assert (vendor / link.removeprefix(prefix).replace("%40", "@")).is_file(), link
    assert links[0] == prefix + "leaflet/dist/leaflet.js"  # order kept: Leaflet before its plugins


def test_stylesheets_find_their_fonts_and_images(vendor: Path) -> None:
    stylesheets = sorted(vendor.rglob("*.css"))
    assert len(stylesheets) >= 5
    for css in stylesheets:
        for ref in re.findall(r"""url\(\s*['"]?([^'")?#]+)""", css.read_text(encoding="utf-8", errors="replace")):
            if not ref.startswith(("data:", "http")):
                assert (css.parent / ref).resolve().is_file(), f"{css.relative_to(vendor)} loads {ref}"
    # Leaflet's script looks for its marker icons beside the image its stylesheet names.
    assert {p.name for p in (vendor / "leaflet/dist/images").iterdir()} >= {"marker-icon-2x.png", "marker-shadow.png"}


def test_only_this_map_changes_not_folium_or_other_maps(vendor: Path) -> None:
    class_js = list(folium.Map.default_js)
    local, other = folium.Map(), folium.Map()
    assets.serve_locally(local, vendor=vendor)
    assert folium.Map.default_js == class_js and other.default_js == class_js
    assert dict(local.default_js)["leaflet"] == "/app/static/vendor/leaflet/dist/leaflet.js"
    html = local.get_root().render()
    assert "cdn.jsdelivr.net" not in html and "code.jquery.com" not in html


def test_a_base_url_path_prefixes_the_local_urls(vendor: Path) -> None:
    m = folium.Map()
    assets.serve_locally(m, base_url_path="/maps/england/", vendor=vendor)
    assert dict(m.default_css)["awesome_markers_font_css"] == (
        "/maps/england/app/static/vendor/@fortawesome/fontawesome-free/css/all.min.css")
    assert assets.static_url_prefix("") == "/app/static/vendor/"


def test_missing_files_change_nothing_and_name_the_install_command(tmp_path: Path) -> None:
    m = folium.Map()
    with pytest.raises(AssetError, match=r"map file\(s\) are not installed in .*leaflet/dist/leaflet.js.*"
                                         r"`python -m mapkit install-assets`"):
        assets.serve_locally(m, vendor=tmp_path)
    assert dict(m.default_js)["leaflet"] == LEAFLET_JS


def test_static_serving_off_names_the_streamlit_option(vendor: Path) -> None:
    with pytest.raises(AssetError, match=r"static file serving is off.*--server.enableStaticServing true"):
        assets.serve_locally(folium.Map(), static_serving=False, vendor=vendor)


def test_a_plugin_without_a_local_copy_is_named(vendor: Path) -> None:
    m = folium.Map()
    folium.plugins.MiniMap().add_to(m)
    with pytest.raises(AssetError, match=r"no local copy is known for https://cdnjs.cloudflare.com/ajax/libs/"
                                         r"leaflet-minimap/.*add it to mapkit/cdn_map.json"):
        assets.serve_locally(m, vendor=vendor)
    assert dict(m.default_js)["leaflet"] == LEAFLET_JS


def test_a_branca_colormap_is_refused_because_streamlit_folium_adds_d3_from_cdns(vendor: Path) -> None:
    m = folium.Map()
    branca.colormap.LinearColormap(["#ff0000", "#0000ff"]).add_to(m)
    assert assets.map_asset_urls(m)[:2] == list(assets.STREAMLIT_FOLIUM_D3)
    with pytest.raises(AssetError, match="branca colormap.*draw the legend as HTML"):
        assets.serve_locally(m, vendor=vendor)


def test_install_without_node_modules_names_the_npm_step(tmp_path: Path) -> None:
    with pytest.raises(AssetError, match=r"not in .*: run `bash tools/install_browser_assets.sh` \(needs npm"):
        assets.install_assets(source=tmp_path / "node_modules", target=tmp_path / "vendor")
    assert not (tmp_path / "vendor").exists()


def test_install_replaces_the_folder_and_copies_only_what_maps_load(vendor: Path) -> None:
    files = {str(p.relative_to(vendor)) for p in vendor.rglob("*") if p.is_file()}
    assert "leaflet/dist/leaflet.js" in files and "jquery/dist/jquery.min.js" in files
    assert not any(name.endswith(("package.json", ".md", ".map")) for name in files)
    assert sum((vendor / f).stat().st_size for f in files) < 10 * 1024 * 1024


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False),
                                                 ("", False), ("no", False)])
def test_the_environment_switch(value: str, expected: bool) -> None:
    assert assets.local_assets_requested({assets.ENV_VAR: value}) is expected
    assert assets.local_assets_requested({}) is False


def test_the_app_warns_when_local_assets_are_on_but_cannot_be_served(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config

    monkeypatch.setenv(assets.ENV_VAR, "1")
    served = config.get_option("server.enableStaticServing")  # on in .streamlit/config.toml (geometry files)
    config.set_option("server.enableStaticServing", False)
    try:
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
    finally:
        config.set_option("server.enableStaticServing", served)
    assert not at.exception and not at.error
    warnings_shown = [w.value for w in at.warning]
    assert any("static file serving is off" in w and "--server.enableStaticServing true" in w
               for w in warnings_shown), warnings_shown


def test_the_app_is_silent_without_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(assets.ENV_VAR, raising=False)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception and not [w for w in at.warning if assets.ENV_VAR in w.value]
