"""Serve folium's CDN assets from ``node_modules/`` in Playwright and keep the browser off the internet.

folium, branca and streamlit-folium write ``<script>``/``<link>`` tags that point at public CDNs.
Tests (and CI) have no such network, so every browser context used in tests routes requests:

* loopback (``127.0.0.0/8``, ``localhost``, ``::1``): passed through (our HTTP and Streamlit servers);
* a CDN URL listed in ``mapkit/cdn_map.json``: fulfilled from the matching file in ``node_modules/``;
* a map tile (OpenStreetMap, CARTO, ...): aborted and counted, tiles are not part of what we test;
* anything else: aborted and recorded in :class:`RouteLog`, so a test can assert nothing was missing.

``node_modules/`` comes from ``bash tools/install_browser_assets.sh`` (versions pinned in package.json).
The URL table and its lookup live in :mod:`mapkit.web.assets`, which the app uses to serve the same files itself.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Re-exported for the tests that import them from here.
from mapkit.web.assets import CDN_MAP, NODE_MODULES, REPO_ROOT, cdn_file_for, load_cdn_map, missing_assets  # noqa: F401

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


def install_routes(target: Any, *, root: Path = NODE_MODULES, log: RouteLog | None = None,
                   intercept_all: bool = True) -> RouteLog:
    """Route every request of a Playwright ``BrowserContext`` or ``Page`` as described in the module doc.

    Parameters
    ----------
    target
        Playwright sync ``BrowserContext`` (preferred: it also covers iframes and popups) or ``Page``.
    root
        Directory holding the installed assets, normally ``node_modules/``.
    log
        Record to append to; a new one is created when omitted.
    intercept_all
        Route every request (the default, for tests). ``False`` leaves loopback and tile requests to the browser,
        which then go unrecorded: for timings, where each intercepted request costs a round trip through
        Playwright that a real browser does not pay. The browser must then fail tiles itself, e.g. with
        ``--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1``.

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

    if intercept_all:
        target.route("**/*", handle)
    else:
        target.route(lambda url: not is_loopback(url) and not is_tile_request(url), handle)
    return record
