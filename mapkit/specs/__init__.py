"""Frozen, validated specifications: the declarations in ``layers/*.toml`` (indicators, boundaries, sources,
overlays, series), basemaps, palettes and classification schemes. Imports nothing above :mod:`mapkit.errors`.
"""
