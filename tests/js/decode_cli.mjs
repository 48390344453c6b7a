// Decode an encoded geometry payload (JSON on stdin) with the browser's decoder (mapkit/web/static/geometry.js)
// and print every area as [polygon][ring][[x, y]] in integers of 1 / scale degree. Used by tests/js_decode.py so
// that the Python tests of real boundaries check the JavaScript the browser runs.
import geometry from "../../mapkit/web/static/geometry.js";

const chunks = [];
for await (const chunk of process.stdin) { chunks.push(chunk); }
const payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const shape = geometry.decode(payload), scale = payload.scale, out = [];
for (let a = 0; a + 1 < shape.areaStart.length; a++) {
  const polygons = [];
  for (let r = shape.areaStart[a]; r < shape.areaStart[a + 1]; r++) {
    if (shape.firstOfPart[r]) { polygons.push([]); }
    const ring = [];
    for (let j = shape.ringStart[r]; j < shape.ringStart[r + 1]; j++) {
      ring.push([Math.round(shape.lng[j] * scale), Math.round(shape.lat[j] * scale)]);
    }
    polygons[polygons.length - 1].push(ring);
  }
  out.push(polygons);
}
process.stdout.write(JSON.stringify(out));
