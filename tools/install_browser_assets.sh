#!/usr/bin/env bash
# Install the front-end files that folium would fetch from CDNs into node_modules/ (never committed).
# Versions are pinned in package.json and package-lock.json; mapkit/cdn_map.json maps CDN URLs to them.
# Usage: bash tools/install_browser_assets.sh   (from anywhere; needs npm and the npm registry)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "install_browser_assets: npm not found; install it with: apt-get install -y npm" >&2
    exit 1
fi

# --ignore-scripts: these are plain static files; the only install script (fontawesome's) prints an attribution.
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
else
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error
fi

# folium links leaflet.awesome.rotate.min.css from its own GitHub tree; no npm package ships it.
# It is one rotation class per degree for rotated marker icons, so write it here.
generated=node_modules/.generated
mkdir -p "$generated"
for deg in $(seq 1 359); do
    printf '.fa-rotate-%d{-ms-transform:rotate(%ddeg);-webkit-transform:rotate(%ddeg);transform:rotate(%ddeg)}\n' \
        "$deg" "$deg" "$deg" "$deg"
done >"$generated/leaflet.awesome.rotate.min.css"

echo "install_browser_assets: node_modules/ ready ($(du -sh node_modules | cut -f1))"
