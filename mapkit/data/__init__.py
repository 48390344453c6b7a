"""Data access: the built products in ``data/`` (regions, boundaries, indicators, series, postcodes, overlays) and
file reading, once. Imports only :mod:`mapkit.specs` and :mod:`mapkit.errors`.
"""
