"""The floor for opening the app: a bare Streamlit page with one ``st_folium`` map holding one polygon.

Started by ``python -m benchmarks speed`` as its own ``streamlit run`` (not part of the app)."""

import folium
import streamlit as st
from streamlit_folium import st_folium

st.set_page_config(page_title="Bare page", layout="wide")
bare_map = folium.Map(location=[52.48, -1.9], zoom_start=9, tiles=None)
folium.Polygon([[52.4, -2.0], [52.6, -2.0], [52.6, -1.7], [52.4, -1.7]], color="#08519c", fill=True,
               fill_opacity=0.8).add_to(bare_map)
st_folium(bare_map, key="map", height=660, use_container_width=True, returned_objects=[])
