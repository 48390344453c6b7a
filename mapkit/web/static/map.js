/*
 * mapkit map: what a map needs around its layers (window.mapkit.styleMap, focusWithoutScroll, fitRegion, legend,
 * control). Needs Leaflet. Sent with the base map (mapkit.web.elements.MapStyle); each function is called by a few
 * lines of Jinja glue in mapkit/web/elements.py and mapkit/data/overlays.py with a JSON configuration object.
 */
(function (mapkit) {
  "use strict";
  if (mapkit.fitRegion) { return; }

  /**
   * White background (readable with no tiles); attribution in the bottom-left corner, under the scale bar, so
   * that the legends in the bottom-right corner reach the map's foot and leave more room for the region.
   * @param {L.Map} map
   * @param {object} config  (background: string)
   */
  mapkit.styleMap = function (map, config) {
    map.getContainer().style.background = config.background;
    if (map.attributionControl) { map.attributionControl.setPosition("bottomleft"); }
    mapkit.allowZoom(document);
    map.getContainer().setAttribute("role", "region");
    map.getContainer().setAttribute("aria-label", "Map of the areas: use Areas by keyboard to step through them");
  };

  /**
   * Let the reader zoom the page: folium's template writes a viewport that forbids it (user-scalable=no,
   * maximum-scale=1), which fails WCAG 1.4.4 (resize text). Keep the rest of it.
   * @param {Document} doc
   */
  mapkit.allowZoom = function (doc) {
    doc.querySelectorAll("meta[name=viewport]").forEach(function (meta) {
      meta.setAttribute("content", "width=device-width, initial-scale=1.0");
    });
  };

  /**
   * Let a click focus the map without scrolling the page around it. Leaflet focuses the map on mouse-down (for
   * keyboard panning); in an iframe partly off screen, as in Streamlit, the browser would then scroll the page
   * between mouse-down and mouse-up and the click land on another area.
   * @param {L.Map} map
   */
  mapkit.focusWithoutScroll = function (map) {
    if (!map.keyboard) { return; }
    map.keyboard.disable();
    map.keyboard._onMouseDown = function () {
      if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
    };
    map.keyboard.enable();
  };

  /**
   * Fit the map to a region, and again when the map is resized or a legend appears, until the user moves it.
   * streamlit-folium sizes its frame after the map is drawn, so a single fitBounds would fit a map of the wrong
   * size. The region is kept clear of the legends in the bottom-right corner, beside them or above them,
   * whichever leaves it larger.
   * @param {L.Map} map
   * @param {object} config  (bounds: number[][])  [[south, west], [north, east]]
   */
  mapkit.fitRegion = function (map, config) {
    var bounds = config.bounds, touched = false, fitted = null;
    function fit() {
      var size = map.getSize(), box = L.latLngBounds(bounds), rect = null, foot = 8,
          container = map.getContainer(), outer = container.getBoundingClientRect(),
          left = container.querySelector(".leaflet-bottom.leaflet-left"),
          inCorner = ".leaflet-right.leaflet-bottom ",
          legends = container.querySelectorAll(inCorner + ".mapkit-legend, " + inCorner + ".mapkit-legend-extra"),
          corner;
      if (size.x < 100 || size.y < 100) { return; }  // not laid out yet: fit again on resize
      if (!isFinite(map.getZoom())) { map.setView(box.getCenter(), 6, {animate: false}); }
      if (left && left.children.length) {  // scale bar and attribution: keep the region above them
        foot = Math.max(foot, outer.bottom - left.getBoundingClientRect().top + 2);
      }
      corner = [8, foot];
      legends.forEach(function (element) {  // the legends stacked in the corner, as one box
        var r = element.getBoundingClientRect();
        rect = rect ? {left: Math.min(rect.left, r.left), top: Math.min(rect.top, r.top)} : r;
      });
      if (rect) {
        var beside = [outer.right - rect.left + 6, foot],
            below = [8, Math.max(foot, outer.bottom - rect.top + 6)],
            options = [];
        [beside, below].forEach(function (pad) {
          if (size.x - pad[0] - 8 > 120 && size.y - pad[1] - 8 > 120) {
            var zoom = map.getBoundsZoom(box, false, L.point(pad[0] + 8, pad[1] + 8));
            if (isFinite(zoom)) { options.push([zoom, pad]); }
          }
        });
        options.sort(function (a, b) { return b[0] - a[0]; });
        if (options.length) { corner = options[0][1]; }
      }
      var key = [size.x, size.y, corner[0], corner[1]].join();
      if (key === fitted) { return; }  // same fit as last time: a refit would only redraw
      fitted = key;
      map.fitBounds(box, {paddingTopLeft: [8, 8], paddingBottomRight: corner, animate: false});
    }
    fit();
    ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
      map.getContainer().addEventListener(name, function () { touched = true; }, {passive: true});
    });
    map.on("resize mapkit:legend", function () { if (!touched) { fit(); } });
  };

  function panel(html, className, narrowMap) {  // a control's box; a <details> in it folds on a narrow map
    var control = L.control({position: "bottomright"});
    control.onAdd = function (map) {
      var div = L.DomUtil.create("div", className), details, width;
      div.innerHTML = html;
      if (narrowMap) {
        details = div.querySelector("details");
        width = map.getSize().x;
        if (details && width > 0 && width < narrowMap) { details.open = false; }
      }
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return control;
  }

  /**
   * A legend shown while its layer group is on the map; the map is fitted again around it.
   * @param {L.LayerGroup} group
   * @param {object} config  (html: string, position: string, className: string, narrowMap: number); html
   *   already escaped, and a <details> in it starts folded on a map narrower than narrowMap pixels
   * @returns {L.Control}
   */
  mapkit.legend = function (group, config) {
    var control = panel(config.html, config.className, config.narrowMap), onAdd = control.onAdd;
    control.setPosition(config.position);
    control.onAdd = function (map) {
      var div = onAdd.call(this, map);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    group.on("add", function (e) {
      var map = e.target._map;
      control.addTo(map);
      map.fire("mapkit:legend");  // fit around the legend now, before the areas are first drawn
      if (window.ResizeObserver) {
        control.observer = new ResizeObserver(function () { if (control._map) { map.fire("mapkit:legend"); } });
        control.observer.observe(control.getContainer());
      } else {
        setTimeout(function () { map.fire("mapkit:legend"); }, 0);
      }
    });
    group.on("remove", function () { if (control.observer) { control.observer.disconnect(); } control.remove(); });
    return control;
  };

  /**
   * A fixed box of HTML on the map (e.g. the overlays' key in an export).
   * @param {L.Map} map
   * @param {object} config  (html: string, position: string, className: string)  html already escaped
   * @returns {L.Control}
   */
  mapkit.control = function (map, config) {
    return panel(config.html, config.className, 0).setPosition(config.position).addTo(map);
  };
})(window.mapkit = window.mapkit || {});
