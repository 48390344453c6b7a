"""Serve the map's scripts and stylesheets from the app's own server, for networks that block public CDNs.

folium, branca and streamlit-folium load Leaflet, jQuery, Bootstrap, Font Awesome and a few plugins from public
CDNs. ``mapkit/cdn_map.json`` says which file of which npm package stands in for each CDN URL; with it:

* :func:`install_assets` (``python -m mapkit install-assets``) copies every file a map can ask for, with the
  fonts and images their stylesheets load, from ``node_modules/`` (``bash tools/install_browser_assets.sh``: npm,
  versions pinned in package.json) to ``static/vendor/``. Streamlit serves that folder at
  ``/app/static/vendor/`` when ``server.enableStaticServing`` is on. Nothing installed is committed.
* :func:`serve_locally` points a built map's elements at those copies. It sets instance attributes, so folium's
  class-level lists and every other map keep their CDN URLs; when anything is missing it changes nothing and
  raises :class:`~mapkit.errors.AssetError` naming the fix, so the map still works wherever CDNs are reachable.
* :func:`cdn_file_for` answers "which local file is this CDN URL" (the browser tests' offline routes use it too).

The app turns this on with the environment variable ``MAPKIT_LOCAL_ASSETS=1`` (see docs/offline.md).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from mapkit.errors import AssetError

__all__ = [
    "CDN_MAP",
    "ENV_VAR",
    "INSTALL_COMMAND",
    "NODE_MODULES",
    "VENDOR_DIR",
    "cdn_file_for",
    "cdn_path",
    "install_assets",
    "known_asset_urls",
    "local_assets_requested",
    "map_asset_urls",
    "missing_assets",
    "serve_locally",
    "static_url_prefix",
]

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
CDN_MAP_PATH = PACKAGE_DIR / "cdn_map.json"
NODE_MODULES = REPO_ROOT / "node_modules"
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
"""Where :func:`install_assets` puts the files: ``static/`` beside ``app.py`` is what Streamlit serves."""
STATIC_ROUTE = "app/static/vendor/"
ENV_VAR = "MAPKIT_LOCAL_ASSETS"
INSTALL_COMMAND = "python -m mapkit install-assets"
NPM_COMMAND = "bash tools/install_browser_assets.sh"
STATIC_SERVING_FLAG = "--server.enableStaticServing true"

STREAMLIT_FOLIUM_D3 = ("https://d3js.org/d3.v4.min.js", "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js")
"""streamlit-folium adds these itself, ahead of every other script, when a map holds a branca colormap."""

_VERSION = "{version}"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FONT_AND_IMAGE = frozenset({".png", ".gif", ".jpg", ".svg", ".woff", ".woff2", ".ttf", ".eot", ".otf"})
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


# --- the URL table ----------------------------------------------------------------------------------------------

def load_cdn_map(path: Path = CDN_MAP_PATH) -> dict[str, str]:
    """The URL pattern -> ``node_modules``-relative path table (see the comment in ``mapkit/cdn_map.json``)."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["routes"])


CDN_MAP: dict[str, str] = load_cdn_map()


def _compile(pattern: str) -> re.Pattern[str]:
    """A table key as a regex; a trailing ``/`` makes it a prefix whose remainder is captured as ``rest``."""
    is_prefix = pattern.endswith("/")
    regex = re.escape(pattern).replace(re.escape(_VERSION), r"[^/]+")
    return re.compile(regex + (r"(?P<rest>.+)" if is_prefix else "") + r"\Z")


_COMPILED: list[tuple[re.Pattern[str], str]] = [(_compile(k), v) for k, v in CDN_MAP.items()]


def _strip_url(url: str) -> str | None:
    """``host/path`` of an http(s) or protocol-relative URL, without query and fragment."""
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.hostname}{parts.path}"


def cdn_path(url: str, *, root: Path = NODE_MODULES) -> str | None:
    """The ``root``-relative path (``/``-separated) that stands in for a CDN ``url``, or None if the table has none.

    The file need not exist. jsdelivr serves ``x.min.js`` for any ``x.js``: when only the unminified file is in
    ``root``, that one is returned.
    """
    stripped = _strip_url(url)
    if stripped is None:
        return None
    for regex, target in _COMPILED:
        match = regex.match(stripped)
        if match is None:
            continue
        rest = match.groupdict().get("rest") or ""
        if ".." in rest.split("/"):
            return None
        relative = target + rest
        name = posixpath.basename(relative)
        if ".min." in name and not (root / relative).exists():
            unminified = posixpath.join(posixpath.dirname(relative), name.replace(".min.", ".", 1))
            if (root / unminified).exists():
                return unminified
        return relative
    return None


def cdn_file_for(url: str, *, root: Path = NODE_MODULES) -> Path | None:
    """The local file that stands in for a CDN ``url``, or None when the table has no entry.

    A listed URL whose file is missing still returns its path, so callers can tell "not installed" (the path
    does not exist) from "not a known asset" (None).

    Parameters
    ----------
    url
        Absolute or protocol-relative URL as a page requests it (query and fragment ignored).
    root
        Directory the table's paths are relative to: ``node_modules/`` or ``static/vendor/``.
    """
    relative = cdn_path(url, root=root)
    return None if relative is None else root / relative


def missing_assets(*, root: Path = NODE_MODULES) -> list[str]:
    """Table targets absent from ``root``: empty once ``tools/install_browser_assets.sh`` has run."""
    return [target for target in CDN_MAP.values() if not (root / target).exists()]


# --- what a map loads -------------------------------------------------------------------------------------------

def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _has_colormap(elements: tuple[Any, ...]) -> bool:
    from branca.colormap import ColorMap

    return any(isinstance(e, ColorMap) for root in elements for e in _walk(root))


def map_asset_urls(*elements: Any) -> list[str]:
    """Every script and stylesheet URL that streamlit-folium loads for these elements and their children.

    The same walk as ``st_folium``: each element's ``default_js`` and ``default_css``, plus d3 when a branca
    colormap is present.
    """
    urls: list[str] = list(STREAMLIT_FOLIUM_D3) if _has_colormap(elements) else []
    for root in elements:
        for element in _walk(root):
            for attribute in ("default_js", "default_css"):
                urls.extend(url for _, url in getattr(element, attribute, None) or [])
    return list(dict.fromkeys(urls))


def known_asset_urls() -> list[str]:
    """Every CDN URL a folium element (core or plugin) or streamlit-folium may load that the table maps."""
    import folium.plugins  # noqa: F401 - defines the plugin classes walked below
    from folium.elements import JSCSSMixin

    classes: list[type] = [JSCSSMixin]
    for cls in classes:
        classes.extend(c for c in cls.__subclasses__() if c not in classes)
    urls = [url for cls in classes for attribute in ("default_js", "default_css")
            for _, url in getattr(cls, attribute, None) or []]
    urls.extend(STREAMLIT_FOLIUM_D3)
    return sorted(url for url in dict.fromkeys(urls) if cdn_path(url) is not None)


# --- install ----------------------------------------------------------------------------------------------------

def _stylesheet_files(css: str, relative: str, source: Path) -> list[str]:
    """Fonts and images in the folders a stylesheet loads from by relative ``url(...)``.

    All of them, because Leaflet's script finds its marker icons beside the one image its stylesheet names.
    """
    folders = set()
    for _, ref in _CSS_URL.findall(css):
        ref = ref.strip().split("#", 1)[0].split("?", 1)[0]
        if not ref or ref.startswith(("data:", "http:", "https:", "//", "/")):
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), ref))
        if not target.startswith("../") and (source / target).is_file():
            folders.add(posixpath.dirname(target))
    return [f"{folder}/{path.name}" for folder in sorted(folders) for path in sorted((source / folder).iterdir())
            if path.is_file() and path.suffix.lower() in _FONT_AND_IMAGE]


def install_assets(*, source: Path = NODE_MODULES, target: Path = VENDOR_DIR,
                   urls: list[str] | None = None) -> list[str]:
    """Copy the map's scripts, stylesheets and what they load from ``source`` to ``target`` (replacing it).

    Parameters
    ----------
    source
        ``node_modules/``, filled by ``bash tools/install_browser_assets.sh`` from the npm registry.
    target
        The folder the app serves, ``static/vendor/`` by default.
    urls
        CDN URLs to provide; :func:`known_asset_urls` by default.

    Returns
    -------
    list of str
        The ``target``-relative paths installed, sorted.
    """
    wanted = known_asset_urls() if urls is None else urls
    files: list[str] = []
    missing: list[str] = []
    for url in wanted:
        relative = cdn_path(url, root=source)
        if relative is None:
            raise AssetError(f"No local copy is known for {url}: add it to mapkit/cdn_map.json and package.json.")
        if not (source / relative).is_file():
            missing.append(relative)
            continue
        files.append(relative)
        if relative.endswith(".css"):
            css = (source / relative).read_text(encoding="utf-8", errors="replace")
            files.extend(_stylesheet_files(css, relative, source))
    if missing:
        raise AssetError(f"{len(missing)} map file(s) are not in {source} (e.g. {missing[0]}): run `{NPM_COMMAND}` "
                         f"(needs npm and the npm registry), then `{INSTALL_COMMAND}`.")
    files = sorted(set(files))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".vendor-", dir=target.parent))
    try:
        for relative in files:
            dest = staging / relative
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / relative, dest)
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return files


# --- serve ------------------------------------------------------------------------------------------------------

def local_assets_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``MAPKIT_LOCAL_ASSETS`` is ``1``, ``true``, ``yes`` or ``on``."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_VAR, "").strip().lower() in _TRUE


def static_url_prefix(base_url_path: str = "") -> str:
    """The URL path of ``static/vendor/`` on a Streamlit server with ``server.baseUrlPath`` = ``base_url_path``."""
    base = base_url_path.strip("/")
    return f"/{base}/{STATIC_ROUTE}" if base else f"/{STATIC_ROUTE}"


def serve_locally(*elements: Any, static_serving: bool = True, base_url_path: str = "",
                  vendor: Path = VENDOR_DIR) -> dict[str, str]:
    """Point every script and stylesheet of a map at the app's own server, or change nothing and say why.

    Parameters
    ----------
    *elements
        The folium map and any layers given to streamlit-folium separately; their children are included.
    static_serving
        Streamlit's ``server.enableStaticServing`` option (without it nothing under ``static/`` is served).
    base_url_path
        Streamlit's ``server.baseUrlPath`` option.
    vendor
        The installed copies (:func:`install_assets`).

    Returns
    -------
    dict
        CDN URL -> local URL, for every URL replaced.

    Raises
    ------
    AssetError
        Static serving is off, a file is not installed, or a URL has no local copy; nothing was changed.
    """
    if not static_serving:
        raise AssetError(f"{ENV_VAR} is set but Streamlit's static file serving is off, so the map's scripts load "
                         f"from public CDNs: start the app with `streamlit run app.py {STATIC_SERVING_FLAG}`.")
    if _has_colormap(elements):
        raise AssetError("The map holds a branca colormap, for which streamlit-folium always loads d3 from public "
                         "CDNs, so the map's scripts load from CDNs: draw the legend as HTML instead.")
    prefix = static_url_prefix(base_url_path)
    local: dict[str, str] = {}
    unknown: list[str] = []
    missing: list[str] = []
    for url in map_asset_urls(*elements):
        if _strip_url(url) is None:  # served by this app already (the map's runtime, mapkit.web.geometry_files)
            continue
        relative = cdn_path(url, root=vendor)
        if relative is None:
            unknown.append(url)
        elif not (vendor / relative).is_file():
            missing.append(relative)
        else:
            local[url] = prefix + quote(relative, safe="/@")
    if unknown:
        raise AssetError(f"{ENV_VAR} is set but no local copy is known for {unknown[0]}, so the map's scripts load "
                         "from public CDNs: add it to mapkit/cdn_map.json and package.json, then run "
                         f"`{NPM_COMMAND}` and `{INSTALL_COMMAND}`.")
    if missing:
        raise AssetError(f"{ENV_VAR} is set but {len(missing)} map file(s) are not installed in {vendor} (e.g. "
                         f"{missing[0]}), so the map's scripts load from public CDNs: run `{INSTALL_COMMAND}` "
                         f"(after `{NPM_COMMAND}`).")
    for root in elements:
        for element in _walk(root):
            for attribute in ("default_js", "default_css"):
                links = getattr(element, attribute, None)
                if links:
                    setattr(element, attribute, [(name, local.get(url, url)) for name, url in links])
    return local
