/*
 * mapkit keyboard: step through the map's areas without a mouse. A focusable control in the map's top-left corner
 * ("Areas by keyboard"): arrow keys (or j/k) move through the areas in rank order, Home/End jump to the first and
 * last, Enter opens the area's profile exactly as a click does, Escape leaves; each step is outlined on the map and
 * announced in a polite live region. Needs Leaflet in the page; the pure parts (order, step, announcement) are also
 * a CommonJS module for node --test (tests/js/keyboard.test.mjs).
 *
 * The area layer is reached only through a small interface, so that the way geometry reaches it can change:
 *   layer.mapkitAreas       number of areas
 *   layer.describe(i)       {name, parent, label, value, unit, rank, of, region, versus} (text already
 *                           HTML-escaped; versus: {label, value, unit, cell} on a bivariate map, else null)
 *   layer.showArea(i)       outline area i and show its tooltip (null: clear)
 *   layer.selectArea(i)     do what a click on area i does
 *   layer.selectedArea()    index of the area whose profile is open, or null
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.mapkit = root.mapkit || {};
    if (!root.mapkit.keyboard) { root.mapkit.keyboard = api; }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var KEYS = {ArrowDown: 1, ArrowRight: 1, j: 1, ArrowUp: -1, ArrowLeft: -1, k: -1, PageDown: 10, PageUp: -10};

  /**
   * Area indices in rank order: rank 1 first, areas without a rank last, ties in their given order.
   * @param {Array<number|null>} ranks
   * @returns {number[]}
   */
  function rankOrder(ranks) {
    var order = ranks.map(function (r, i) { return i; });
    order.sort(function (a, b) {
      var ra = ranks[a], rb = ranks[b], na = ra === null || ra === undefined, nb = rb === null || rb === undefined;
      if (na !== nb) { return na ? 1 : -1; }
      if (!na && ra !== rb) { return ra - rb; }
      return a - b;
    });
    return order;
  }

  /**
   * The position in an order after a key press, or null when the key is not a stepping key.
   * @param {number|null} position  current position (null: none yet)
   * @param {string} key  KeyboardEvent.key
   * @param {number} n  number of areas
   * @returns {number|null}
   */
  function step(position, key, n) {
    if (n <= 0) { return null; }
    if (key === "Home") { return 0; }
    if (key === "End") { return n - 1; }
    if (!Object.prototype.hasOwnProperty.call(KEYS, key)) { return null; }
    if (position === null || position === undefined) { return KEYS[key] > 0 ? 0 : n - 1; }
    return Math.min(n - 1, Math.max(0, position + KEYS[key]));
  }

  function count(n) { return Number(n).toLocaleString("en-GB"); }

  /**
   * What the live region says about an area (HTML-escaped text in, HTML-safe text out).
   * @param {object} d  layer.describe(i)
   * @param {number} position  0-based position in the order
   * @param {number} n  number of areas
   * @returns {string}
   */
  function announcement(d, position, n) {
    var text = d.name + (d.parent ? " (" + d.parent + ")" : "") + ": " + d.label + " " + d.value;
    if (d.unit) { text += " " + d.unit; }
    if (d.rank !== null && d.rank !== undefined) {
      text += ", rank " + count(d.rank) + " of " + count(d.of) + " in " + d.region;
    }
    if (d.versus) {  // a bivariate map: the second measure and the area's cell
      text += "; " + d.versus.label + " " + d.versus.value + (d.versus.unit ? " " + d.versus.unit : "") +
              "; cell: " + (d.versus.cell === null ? "none, a figure is missing" : d.versus.cell);
    }
    return text + ". Area " + count(position + 1) + " of " + count(n) + ". Enter opens its profile.";
  }

  var HELP = "Areas by keyboard: arrow keys step through the areas in rank order, Home and End jump to the first " +
             "and last, Enter opens the area's profile, Escape leaves.";

  function control(map) {  // one control per map, kept when streamlit-folium swaps the area layer
    if (map.mapkitKeys) { return map.mapkitKeys; }
    var keys = {layer: null, order: [], position: null}, box = L.control({position: "topleft"});
    box.onAdd = function () {
      var div = L.DomUtil.create("div", "mapkit-keys leaflet-bar"), button, live;
      button = keys.button = L.DomUtil.create("button", "mapkit-keys-button", div);
      button.type = "button";
      button.textContent = "Areas by keyboard";
      button.setAttribute("aria-describedby", "mapkit-keys-help");
      var help = L.DomUtil.create("span", "mapkit-sr-only", div);
      help.id = "mapkit-keys-help";
      help.textContent = HELP;
      live = keys.live = L.DomUtil.create("div", "mapkit-keys-live", div);
      live.setAttribute("aria-live", "polite");
      live.setAttribute("role", "status");
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.on(button, "keydown", function (e) { onKey(keys, e); });
      L.DomEvent.on(button, "click", function () { onKey(keys, {key: "ArrowDown", preventDefault: function () {}}); });
      L.DomEvent.on(button, "blur", function () {  // the announcement box would hide part of the map
        if (keys.layer) { keys.layer.showArea(null); }
        say(keys, "");
      });
      return div;
    };
    box.addTo(map);
    map.mapkitKeys = keys;
    return keys;
  }

  function say(keys, html) { keys.live.innerHTML = html; keys.live.style.display = html ? "" : "none"; }

  function onKey(keys, e) {
    var layer = keys.layer, n = keys.order.length, next;
    if (!layer || !n) { return; }
    if (e.key === "Enter") {
      if (keys.position === null) { return; }
      if (e.preventDefault) { e.preventDefault(); }
      say(keys, "Opening the profile of " + layer.describe(keys.order[keys.position]).name + ".");
      layer.selectArea(keys.order[keys.position]);
      return;
    }
    if (e.key === "Escape") { layer.showArea(null); say(keys, ""); return; }
    next = step(keys.position, e.key, n);
    if (next === null) { return; }
    e.preventDefault();
    if (e.stopPropagation) { e.stopPropagation(); }  // arrow keys step areas here; the map itself pans with them
    keys.position = next;
    layer.showArea(keys.order[next]);
    say(keys, announcement(layer.describe(keys.order[next]), next, n));
  }

  /**
   * Make a map's areas reachable by keyboard (call once per area layer; the control is shared per map).
   * @param {L.Layer} layer  an area layer with the interface described at the top of this file
   * @param {Array<number|null>} ranks  rank of each area (rank order), or null for the layer's own order
   */
  function attach(layer, ranks) {
    layer.on("add", function () {
      var keys = control(layer._map), selected = layer.selectedArea();
      keys.layer = layer;
      keys.order = ranks ? rankOrder(ranks) : rankOrder(new Array(layer.mapkitAreas).fill(null));
      keys.position = selected === null ? null : keys.order.indexOf(selected);
      if (keys.position === -1) { keys.position = null; }
      if (selected !== null && document.activeElement === keys.button) {
        say(keys, "Profile open: " + layer.describe(selected).name + ".");
      }
    });
  }

  return {rankOrder: rankOrder, step: step, announcement: announcement, attach: attach, HELP: HELP};
});
