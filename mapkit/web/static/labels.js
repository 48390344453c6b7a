/*
 * mapkit labels: names drawn on the map at points (window.mapkit.placeLabels), e.g. the largest districts on a hex
 * map. Points come largest first; after every zoom or resize a label that would overlap an earlier one is hidden,
 * so the largest places keep their names at every scale. Labels take no mouse or keyboard input, so hover and click
 * reach the areas below. Needs Leaflet in the page; the pure part (keepApart) is also a CommonJS module for
 * node --test (tests/js/labels.test.mjs). Python: mapkit.web.hexmap.PlaceLabels.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    if (!root.mapkit.placeLabels) { root.mapkit.placeLabels = api.placeLabels; }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var GAP = 2;  // pixels kept between two labels

  function overlaps(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
  }

  /**
   * Which labels to show: each in turn unless it overlaps one already shown (earlier ones win).
   * @param {Array<{left: number, top: number, right: number, bottom: number}|null>} boxes  in priority order; null
   *   for a label not laid out (never shown)
   * @returns {boolean[]}
   */
  function keepApart(boxes) {
    var kept = [];
    return boxes.map(function (box) {
      var show = box !== null && !kept.some(function (other) { return overlaps(other, box); });
      if (show) { kept.push(box); }
      return show;
    });
  }

  /**
   * Names at points, added to a layer group (they come and go with it).
   * @param {L.LayerGroup} group
   * @param {object} config  (points: Array<{name: string, lat: number, lng: number}>)  names already HTML-escaped,
   *   largest place first
   * @returns {L.Marker[]}
   */
  function placeLabels(group, config) {
    var markers = config.points.map(function (point) {
      return L.marker([point.lat, point.lng], {
        icon: L.divIcon({className: "mapkit-place-label", iconSize: null,
                         html: "<span aria-hidden='true'>" + point.name + "</span>"}),
        interactive: false, keyboard: false
      });
    });

    function declutter() {
      var spans = markers.map(function (marker) {
        var element = marker.getElement();
        return element ? element.firstChild : null;
      });
      var keep = keepApart(spans.map(function (span) {
        if (!span) { return null; }
        var r = span.getBoundingClientRect();
        return r.width > 0 ? {left: r.left, top: r.top, right: r.right, bottom: r.bottom} : null;
      }));
      spans.forEach(function (span, i) { if (span) { span.style.visibility = keep[i] ? "" : "hidden"; } });
    }

    var attached = null, EVENTS = "zoomend resize viewreset";

    function attach(map) {
      if (attached) { attached.off(EVENTS, declutter); }
      attached = map;
      map.on(EVENTS, declutter);
      declutter();
    }

    markers.forEach(function (marker) { group.addLayer(marker); });
    group.on("add", function () { attach(group._map); });
    group.on("remove", function () { if (attached) { attached.off(EVENTS, declutter); attached = null; } });
    if (group._map) { attach(group._map); }
    group.mapkitDeclutter = declutter;  // for tests and tools
    return markers;
  }

  return {keepApart: keepApart, placeLabels: placeLabels};
});
