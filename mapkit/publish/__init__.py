"""A static site of the maps for the public (``python -m mapkit publish``).
"""
