// ESLint flat config: the map's browser runtime (classic scripts) and its Node tests (ES modules).
// Run: npx eslint .   (pinned in package.json devDependencies; .ci/run runs it)
const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  {ignores: ["node_modules/", "static/", "test-output/", ".venv/", "data/"]},
  js.configs.recommended,
  {
    files: ["mapkit/web/static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2019,  // what Leaflet 1.9's browsers run: no optional chaining, no ES modules
      sourceType: "script",
      globals: {...globals.browser, module: "readonly", L: "readonly"},
    },
    rules: {
      "no-var": "off",
      eqeqeq: "error",
      strict: ["error", "function"],
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "max-len": ["error", {code: 120, ignoreUrls: true}],
    },
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: {ecmaVersion: "latest", sourceType: "module", globals: {...globals.node}},
    rules: {eqeqeq: "error", "max-len": ["error", {code: 120}]},
  },
  {
    files: ["eslint.config.js"],
    languageOptions: {sourceType: "commonjs", globals: {...globals.node}},
  },
];
