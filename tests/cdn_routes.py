"""Serve folium's CDN assets from ``node_modules/`` in Playwright and keep the browser off the internet.

folium, branca and streamlit-folium write ``<script>``/``<link>`` tags that point at public CDNs.
Tests (and CI) have no such network, so every browser context used in tests routes requests:

* loopback (``127.0.0.0/8``, ``localhost``, ``::1``): passed through (our HTTP and Streamlit servers);
* a CDN URL listed in ``tools/cdn_map.json``: fulfilled from the matching file in ``node_modules/``;
* a map tile (OpenStreetMap, CARTO, ...): aborted and counted, tiles are not part of what we test;
* anything else: aborted and recorded in :class:`RouteLog`, so a test can assert nothing was missing.

``node_modules/`` comes from ``bash tools/install_browser_assets.sh`` (versions pinned in package.json).
The URL table is plain JSON so that library code can load it to serve the same files from the app.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
CDN_MAP_PATH = REPO_ROOT / "tools" / "cdn_map.json"

_VERSION = "{version}"

CONTENT_TYPES: dict[str, str] = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".eot": "application/vnd.ms-fontobject",
}

TILE_HOSTS: tuple[str, ...] = (
    "tile.openstreetmap.org",
    "tile.openstreetmap.fr",
    "tile.opentopomap.org",
    "basemaps.cartocdn.com",
    "server.arcgisonline.com",
    "tiles.stadiamaps.com",
    "tile.thunderforest.com",
    "tile.jawg.io",
    "api.mapbox.com",
)
"""Hosts whose requests are map tiles: aborted without being reported as blocked."""

ASSET_RESOURCE_TYPES = frozenset({"script", "stylesheet", "font"})
"""Request types that break a page when missing, as opposed to tiles or beacons."""


def load_cdn_map(path: Path = CDN_MAP_PATH) -> dict[str, str]:
    """Return the URL pattern -> ``node_modules``-relative path table from ``tools/cdn_map.json``."""
    return dict(json.loads(path.read_text(encoding="utf-8"))["routes"])


CDN_MAP: dict[str, str] = load_cdn_map()


def _compile(pattern: str) -> re.Pattern[str]:
    """Turn a table key into a regex; a trailing ``/`` makes it a prefix captured as ``rest``."""
    is_prefix = pattern.endswith("/")
    regex = re.escape(pattern).replace(re.escape(_VERSION), r"[^/]+")
    return re.compile(regex + (r"(?P<rest>.+)" if is_prefix else "") + r"\Z")


_COMPILED: list[tuple[re.Pattern[str], str]] = [(_compile(k), v) for k, v in CDN_MAP.items()]


def _strip_url(url: str) -> str | None:
    """Return ``host/path`` of an http(s) or protocol-relative URL, without query and fragment."""
    if url.startswith("//"):
        url = "https:" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.hostname}{parts.path}"


def cdn_file_for(url: str, *, root: Path = NODE_MODULES) -> Path | None:
    """Return the local file that stands in for a CDN ``url``, or None when the table has no entry.

    The file is not required to exist: a listed URL whose file is missing still returns its path,
    so callers can tell "not installed" (path does not exist) from "not a known asset" (None).
    jsdelivr serves ``x.min.js`` for any ``x.js``; when only the unminified file is installed,
    that one is returned.

    Parameters
    ----------
    url
        Absolute or protocol-relative URL as the page requests it (query and fragment ignored).
    root
        Directory the table's paths are relative to, normally ``node_modules/``.
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
        path = root / (target + rest)
        if not path.exists() and ".min." in path.name:
            unminified = path.with_name(path.name.replace(".min.", ".", 1))
            if unminified.exists():
                return unminified
        return path
    return None


def missing_assets(*, root: Path = NODE_MODULES) -> list[str]:
    """List table targets absent from ``root``: empty once ``tools/install_browser_assets.sh`` ran."""
    return [target for target in CDN_MAP.values() if not (root / target).exists()]


def content_type_for(path: Path) -> str:
    """Return the Content-Type header for a served asset."""
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def is_loopback(url: str) -> bool:
    """True for URLs on this machine's loopback range: the only servers tests may talk to."""
    host = urlsplit(url).hostname
    if host is None:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_tile_request(url: str) -> bool:
    """True for requests to known basemap tile servers."""
    host = urlsplit(url).hostname or ""
    return any(host == tile_host or host.endswith("." + tile_host) for tile_host in TILE_HOSTS)


@dataclass(frozen=True)
class BlockedRequest:
    """A request that was neither loopback, a known CDN asset nor a tile."""

    url: str
    resource_type: str
    reason: str


@dataclass
class RouteLog:
    """What the route handler did with each non-loopback request, for assertions and messages."""

    served: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    blocked: list[BlockedRequest] = field(default_factory=list)

    @property
    def blocked_assets(self) -> list[BlockedRequest]:
        """Blocked scripts, stylesheets and fonts, plus known CDN assets missing on disk."""
        return [
            b for b in self.blocked if b.resource_type in ASSET_RESOURCE_TYPES or b.reason != "not a known asset"
        ]


def install_routes(target: Any, *, root: Path = NODE_MODULES, log: RouteLog | None = None) -> RouteLog:
    """Route every request of a Playwright ``BrowserContext`` or ``Page`` as described in the module doc.

    Parameters
    ----------
    target
        Playwright sync ``BrowserContext`` (preferred: it also covers iframes and popups) or ``Page``.
    root
        Directory holding the installed assets, normally ``node_modules/``.
    log
        Record to append to; a new one is created when omitted.

    Returns
    -------
    RouteLog
        Filled in as the page loads.
    """
    record = RouteLog() if log is None else log

    def handle(route: Any, request: Any) -> None:
        url = request.url
        if is_loopback(url) or not url.startswith(("http:", "https:", "//")):
            route.continue_()
            return
        path = cdn_file_for(url, root=root)
        if path is not None and path.is_file():
            record.served.append(url)
            route.fulfill(
                status=200,
                body=path.read_bytes(),
                headers={
                    "content-type": content_type_for(path),
                    # Fonts requested from a CDN origin by a loopback page are CORS requests.
                    "access-control-allow-origin": "*",
                    "cache-control": "public, max-age=3600",
                },
            )
            return
        if path is None and is_tile_request(url):
            record.tiles.append(url)
        else:
            reason = "not a known asset" if path is None else f"not installed: {path}"
            record.blocked.append(BlockedRequest(url, request.resource_type, reason))
        route.abort("blockedbyclient")

    target.route("**/*", handle)
    return record
