// The browser's geometry runtime (mapkit/web/static/geometry.js): decoder, projection, grid index, point in polygon.
// The decoder runs on tests/fixtures/codec.json, written by the Python encoder (tests/fixtures/codec_fixture.py).
import {test} from "node:test";
import assert from "node:assert/strict";
import {readFileSync} from "node:fs";
import geometry from "../../mapkit/web/static/geometry.js";
import {nestedArea} from "./nested.mjs";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/codec.json", import.meta.url), "utf8"));
const MAX_LATITUDE = 85.0511287798;  // Leaflet's L.Projection.SphericalMercator.MAX_LATITUDE

function nested(shape, a) {  // area a as [polygon][ring][[x, y]] on the grid, like the fixture
  return nestedArea(shape, a, fixture.payload.scale);
}

function mercator(lng, lat) {  // textbook Web Mercator, written apart from the runtime's formula
  return [lng / 360 + 0.5, 0.5 - Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI)];
}

test("decoded vertices equal the Python encoder's input on the grid", () => {
  const shape = geometry.decode(fixture.payload);
  assert.equal(shape.areaStart.length - 1, fixture.expected.length);
  fixture.expected.forEach((polygons, a) => {
    assert.deepEqual(nested(shape, a), polygons, `area ${fixture.payload.codes[a]}`);
  });
});

test("decoded coordinates are the grid integers divided by the scale", () => {
  const shape = geometry.decode(fixture.payload), scale = fixture.payload.scale;
  const flat = fixture.expected.flat(3);
  assert.equal(shape.lng.length, flat.length);
  flat.forEach(([x, y], i) => {
    assert.equal(shape.lng[i], x / scale);
    assert.equal(shape.lat[i], y / scale);
  });
});

test("an area that rounding collapsed decodes to no ring, and its neighbours keep their rings", () => {
  const shape = geometry.decode(fixture.payload), a = fixture.payload.codes.indexOf("sliver");
  assert.equal(shape.areaStart[a], shape.areaStart[a + 1]);
  assert.deepEqual(nested(shape, a + 1), fixture.expected[a + 1]);
});

test("every character of the encoding is in the alphabet, which has no underscore", () => {
  assert.equal(geometry.ALPHABET.length, 64);
  assert.ok(!geometry.ALPHABET.includes("_"));
  const text = fixture.payload.shapes.flat(2).join("");
  assert.ok(text.length > 0);
  for (const char of text) { assert.ok(geometry.ALPHABET.includes(char), char); }
});

test("projection is Web Mercator in Leaflet's pixel space at scale 1", () => {
  const shape = {lng: Float64Array.from([0, 180, -180, -1.8904, 179.99999]),
                 lat: Float64Array.from([0, 0, 0, 52.4862, -10]),
                 ringStart: Int32Array.from([0, 5]), areaStart: Int32Array.from([0, 1])};
  const P = geometry.projectMercator(shape, MAX_LATITUDE);
  for (let i = 0; i < 5; i++) {
    const [x, y] = mercator(shape.lng[i], shape.lat[i]);
    assert.ok(Math.abs(P.x[i] - x) < 1e-12, `x of vertex ${i}`);
    assert.ok(Math.abs(P.y[i] - y) < 1e-12, `y of vertex ${i}`);
  }
  assert.deepEqual([P.x[0], P.y[0]], [0.5, 0.5]);
  assert.deepEqual(Array.from(P.box), [0, Math.min(...P.y), 1, Math.max(...P.y)]);
});

test("latitudes beyond Web Mercator's limit are clamped", () => {
  const shape = {lng: Float64Array.from([0, 0]), lat: Float64Array.from([89.9, -90]),
                 ringStart: Int32Array.from([0, 2]), areaStart: Int32Array.from([0, 1])};
  const P = geometry.projectMercator(shape, MAX_LATITUDE);
  assert.ok(Math.abs(P.y[0]) < 1e-9 && Math.abs(P.y[1] - 1) < 1e-9);
});

test("projectWith uses the given projection and boxes each area", () => {
  const shape = geometry.decode(fixture.payload);
  const P = geometry.projectWith(shape, (lat, lng) => [lng, -lat]);
  const a = fixture.payload.codes.indexOf("parts");
  assert.deepEqual(Array.from(P.box.subarray(4 * a, 4 * a + 4)), [-1.9, -52.3, -1.6, -52]);
});

function located() {
  const shape = geometry.decode(fixture.payload);
  const P = geometry.projectMercator(shape, MAX_LATITUDE);
  const grid = geometry.gridIndex(P.box);
  return (lng, lat) => {
    const [x, y] = mercator(lng, lat);
    const a = geometry.areaAt(grid, shape, P, x, y);
    return a < 0 ? null : fixture.payload.codes[a];
  };
}

test("the area under a point: inside, in a hole, in a second part, outside", () => {
  const at = located();
  assert.equal(at(-1.99, 52.01), "hole");
  assert.equal(at(-1.95, 52.05), null);  // in the hole
  assert.equal(at(-1.85, 52.05), "parts");
  assert.equal(at(-1.65, 52.25), "parts");  // the second polygon of the same area
  assert.equal(at(-1.75, 52.15), null);  // between the parts
  assert.equal(at(-5.6, 50.1), "west");
  assert.equal(at(-5.7, 50.25), null);  // inside the triangle's box, outside the triangle
  assert.equal(at(179.9, -9.9), "far");
  assert.equal(at(-40, 0), null);  // outside every box
});

test("the grid lists every area in each cell its box touches", () => {
  const shape = geometry.decode(fixture.payload);
  const P = geometry.projectMercator(shape, MAX_LATITUDE), grid = geometry.gridIndex(P.box);
  assert.ok(grid.size >= 8 && grid.size <= 256);
  assert.equal(grid.cells.length, grid.size * grid.size);
  const areas = shape.areaStart.length - 1;
  for (let a = 0; a < areas; a++) {
    if (shape.areaStart[a] === shape.areaStart[a + 1]) { continue; }  // no vertex, no box
    const cx = Math.floor(((P.box[4 * a] + P.box[4 * a + 2]) / 2 - grid.minX) / grid.w);
    const cy = Math.floor(((P.box[4 * a + 1] + P.box[4 * a + 3]) / 2 - grid.minY) / grid.h);
    assert.ok(grid.cells[Math.min(cy, grid.size - 1) * grid.size + Math.min(cx, grid.size - 1)].includes(a));
  }
});

test("point in polygon follows the even-odd rule", () => {
  const shape = {lng: Float64Array.from([0, 4, 4, 0, 1, 3, 3, 1]), lat: Float64Array.from([0, 0, 4, 4, 1, 1, 3, 3]),
                 ringStart: Int32Array.from([0, 4, 8]), areaStart: Int32Array.from([0, 2])};
  const P = {x: shape.lng, y: shape.lat};
  assert.equal(geometry.insideArea(shape, P, 0, 0.5, 0.5), true);
  assert.equal(geometry.insideArea(shape, P, 0, 2, 2), false);
  assert.equal(geometry.insideArea(shape, P, 0, 5, 2), false);
});
