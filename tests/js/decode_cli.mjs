// Decode an encoded geometry payload (JSON on stdin) with the browser's decoder (mapkit/web/static/geometry.js)
// and print every area as [polygon][ring][[x, y]] in integers of 1 / scale degree. Used by
// tests/browser/js_decode.py so that the Python tests of real boundaries check the JavaScript the browser runs.
import geometry from "../../mapkit/web/static/geometry.js";
import {nestedArea} from "./nested.mjs";

const chunks = [];
for await (const chunk of process.stdin) { chunks.push(chunk); }
const payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const shape = geometry.decode(payload), out = [];
for (let a = 0; a + 1 < shape.areaStart.length; a++) { out.push(nestedArea(shape, a, payload.scale)); }
process.stdout.write(JSON.stringify(out));
