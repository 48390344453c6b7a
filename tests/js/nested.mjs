// Decoded areas as nested arrays, the form the Python encoder's fixture and tests/browser/js_decode.py compare against.

/** Area `a` of a decoded shape as [polygon][ring][[x, y]] in integers of 1 / `scale` degree. */
export function nestedArea(shape, a, scale) {
  const polygons = [];
  for (let r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
    if (shape.firstOfPart[r]) { polygons.push([]); }
    const ring = [];
    for (let j = shape.ringStart[r]; j < shape.ringStart[r + 1]; j++) {
      ring.push([Math.round(shape.lng[j] * scale), Math.round(shape.lat[j] * scale)]);
    }
    polygons[polygons.length - 1].push(ring);
  }
  return polygons;
}
