"""Analysis: pure functions over frames (classify, rank, change, series, similar areas, compare, who lives near,
zones, profiles, a view's prepared map data). No folium, no Streamlit.
"""
