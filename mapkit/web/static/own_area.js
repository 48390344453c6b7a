/*
 * mapkit own area: the glue between Leaflet.draw (folium.plugins.Draw) and the page for "your own area".
 * Python: mapkit.web.own_area. Loaded as a classic script (window.mapkit.ownArea) and as a CommonJS module by the
 * tests (tests/js/own_area.test.mjs); only attach() touches Leaflet.
 *
 * - The area already drawn (kept by the page, or reopened from a link) is put back into Leaflet.draw's editable
 *   layer, one polygon per part, so it can be edited or deleted like a fresh drawing.
 * - streamlit-folium returns a drawn circle as its centre with properties.radius, set when it is drawn; after an
 *   edit the radius is brought up to date here, so the page measures the circle as it is shown.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    root.mapkit.ownArea = root.mapkit.ownArea || api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  function ring(coordinates) {  // [[lng, lat], ...] (closed or not) -> [[lat, lng], ...] without the closing vertex
    var out = [], i, n = coordinates.length;
    if (n > 1 && coordinates[0][0] === coordinates[n - 1][0] && coordinates[0][1] === coordinates[n - 1][1]) { n--; }
    for (i = 0; i < n; i++) { out.push([coordinates[i][1], coordinates[i][0]]); }
    return out;
  }

  /**
   * The polygons of a GeoJSON geometry, as Leaflet takes them.
   * @param {object|null} geometry  a GeoJSON Polygon or MultiPolygon (anything else gives no polygon)
   * @returns {Array}  [polygon][ring][[lat, lng]], outer ring first, rings not closed
   */
  function polygonsOf(geometry) {
    if (!geometry || !geometry.coordinates) { return []; }
    var parts = geometry.type === "Polygon" ? [geometry.coordinates] :
      geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return parts.map(function (rings) { return rings.map(ring); });
  }

  /**
   * A drawn layer's GeoJSON properties with a circle's radius brought up to date.
   * @param {object|null} properties  the layer's feature properties
   * @param {number} radius  metres
   * @returns {object}  a copy with radius set
   */
  function withRadius(properties, radius) {
    var out = {}, key;
    for (key in properties || {}) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) { out[key] = properties[key]; }
    }
    out.radius = radius;
    return out;
  }

  /**
   * Wire Leaflet.draw for an own area: restore the area drawn before, keep circles' radii current after edits.
   * @param {L.Map} map
   * @param {L.FeatureGroup} drawn  Leaflet.draw's editable layer (folium.plugins.Draw's drawnItems)
   * @param {object} config  (shape: GeoJSON geometry or null, style: path options of the restored polygons)
   * @returns {number}  how many polygons were restored (0 when the layer was wired already)
   */
  function attach(map, drawn, config) {
    var restored = 0;
    if (drawn.mapkitOwnArea) { return 0; }  // streamlit-folium may run a map's script more than once
    polygonsOf(config.shape).forEach(function (rings) {
      var layer = L.polygon(rings, config.style || {});
      layer.feature = {type: "Feature", properties: {}};
      drawn.addLayer(layer);
      restored++;
    });
    map.on("draw:edited", function (e) {
      e.layers.eachLayer(function (layer) {
        if (layer instanceof L.Circle) {
          layer.feature = layer.feature || {type: "Feature", properties: {}};
          layer.feature.properties = withRadius(layer.feature.properties, layer.getRadius());
        }
      });
    });
    drawn.mapkitOwnArea = true;
    return restored;
  }

  return {polygonsOf: polygonsOf, withRadius: withRadius, attach: attach};
});
