// ESLint flat config (scripts/lint runs `npx eslint` here): the recommended rules plus a few
// that catch real mistakes in this code. src/ is bundled by esbuild (ES modules, browser);
// static/rdcl/ and static/console/ are esbuild's output.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["static/rdcl/**", "static/console/**", "node_modules/**"] },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2020, globals: { ...globals.browser } },
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_" }],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  { files: ["src/**/*.js", "eslint.config.mjs"], languageOptions: { sourceType: "module" } },
  { files: ["static/nfvo/**/*.js"], languageOptions: { sourceType: "script" } },
  // node --test unit tests of the pure modules
  { files: ["test/**/*.js", "test-support/**/*.js"], languageOptions: { sourceType: "module", globals: { ...globals.node } } },
];
