// The own-area glue (mapkit/web/static/own_area.js): GeoJSON to Leaflet's polygons, circles' radii, and wiring a
// stand-in for Leaflet.draw's editable layer.
import {test} from "node:test";
import assert from "node:assert/strict";
import ownArea from "../../mapkit/web/static/own_area.js";

const square = [[-1.84, 52.47], [-1.76, 52.47], [-1.76, 52.51], [-1.84, 52.51], [-1.84, 52.47]];
const hole = [[-1.8, 52.48], [-1.79, 52.48], [-1.79, 52.49], [-1.8, 52.48]];

test("a polygon's rings become [lat, lng] vertices without the closing one", () => {
  assert.deepEqual(ownArea.polygonsOf({type: "Polygon", coordinates: [square, hole]}), [
    [[[52.47, -1.84], [52.47, -1.76], [52.51, -1.76], [52.51, -1.84]],
     [[52.48, -1.8], [52.48, -1.79], [52.49, -1.79]]],
  ]);
});

test("a multipolygon gives one polygon per part; anything else none", () => {
  const parts = ownArea.polygonsOf({type: "MultiPolygon", coordinates: [[square], [hole]]});
  assert.equal(parts.length, 2);
  assert.deepEqual(parts[1], [[[52.48, -1.8], [52.48, -1.79], [52.49, -1.79]]]);
  assert.deepEqual(ownArea.polygonsOf({type: "Point", coordinates: [-1.8, 52.4]}), []);
  assert.deepEqual(ownArea.polygonsOf(null), []);
  assert.deepEqual(ownArea.polygonsOf({type: "Polygon"}), []);
});

test("an unclosed ring keeps every vertex", () => {
  assert.deepEqual(ownArea.polygonsOf({type: "Polygon", coordinates: [[[0, 1], [2, 3], [4, 5]]]}),
                   [[[[1, 0], [3, 2], [5, 4]]]]);
});

test("a circle's radius is brought up to date without touching its other properties", () => {
  const before = {radius: 500, name: "x"};
  const after = ownArea.withRadius(before, 1234.5);
  assert.deepEqual(after, {radius: 1234.5, name: "x"});
  assert.equal(before.radius, 500);
  assert.deepEqual(ownArea.withRadius(null, 10), {radius: 10});
});

test("attach restores the area into the editable layer once and updates circles after an edit", () => {
  const added = [];
  const handlers = {};
  class Circle { constructor(r) { this.r = r; } getRadius() { return this.r; } }
  globalThis.L = {
    Circle,
    polygon: (rings, style) => ({rings, style}),
  };
  const map = {on: (name, fn) => { handlers[name] = fn; }};
  const drawn = {addLayer: (layer) => added.push(layer)};
  const config = {shape: {type: "MultiPolygon", coordinates: [[square], [hole]]}, style: {color: "#000"}};
  assert.equal(ownArea.attach(map, drawn, config), 2);
  assert.equal(added.length, 2);
  assert.deepEqual(added[0].feature, {type: "Feature", properties: {}});
  assert.equal(added[0].style.color, "#000");
  assert.equal(ownArea.attach(map, drawn, config), 0);  // a second run of the script adds nothing
  assert.equal(added.length, 2);
  const circle = new Circle(2500);
  circle.feature = {type: "Feature", properties: {radius: 1000}};
  const polygon = {feature: {type: "Feature", properties: {}}};
  handlers["draw:edited"]({layers: {eachLayer: (fn) => [circle, polygon].forEach(fn)}});
  assert.equal(circle.feature.properties.radius, 2500);
  assert.deepEqual(polygon.feature.properties, {});
  delete globalThis.L;
});
