// ESLint (flat config) for the site's JavaScript: the widget's ES modules, its Node unit
// tests, and the FAQ and demo pages' classic scripts. Run by scripts/lint.sh (`make lint`).
// The IEP_* names are not globals at run time: the site build replaces each one with its
// value (esbuild --define, scripts/build_site.py), so they are declared read-only here.
import js from "@eslint/js";
import globals from "globals";

// Every esbuild --define of scripts/build_site.py (contract/widget.py's widget_defines,
// and the notice written from the knowledge base).
const buildDefines = Object.fromEntries(
  [
    "IEP_ENGLISH",
    "IEP_SPANISH",
    "IEP_LANGUAGE_KEY",
    "IEP_USER_MESSAGE_EVENT",
    "IEP_BOT_MESSAGE_EVENT",
    "IEP_MAX_MESSAGE_CHARS",
    "IEP_RETENTION_DAYS",
    "IEP_HUMAN_HANDOFF_PAYLOAD",
    "IEP_CONFIRM_ERASE_PAYLOAD",
    "IEP_FEEDBACK_PAYLOAD",
    "IEP_SWITCH_TO_ENGLISH_PAYLOAD",
    "IEP_SWITCH_TO_SPANISH_PAYLOAD",
    "IEP_CONVERSATION_ERASED",
    "IEP_NOTICE",
    "IEP_NOTICE_ES"
  ].map((name) => [name, "readonly"])
);

export default [
  js.configs.recommended,
  {
    files: ["site/widget/src/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "module", globals: { ...globals.browser, ...buildDefines } }
  },
  {
    files: ["site/widget/test/**/*.js", "site/widget/test/**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } }
  },
  {
    files: ["site/faq/*.js", "site/demo/**/*.js"],
    languageOptions: { ecmaVersion: 2020, sourceType: "script", globals: { ...globals.browser } }
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: { ...globals.node } }
  }
];
