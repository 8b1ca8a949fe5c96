// Render a batch of LaTeX formulas with the vendored KaTeX, in one process for speed.
// stdin: JSON [[tex, displayMode], ...]; stdout: JSON [{html} | {error, position}, ...] in order.
"use strict";
const path = require("path");
const katex = require(path.join(__dirname, "..", "vendor", "katex", "katex.min.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const items = JSON.parse(input);
  const out = items.map(([tex, display]) => {
    try {
      // trust: false keeps \href, \url and \htmlClass inert. strict "ignore": LaTeX that
      // KaTeX renders but frowns on (a unicode letter in math) is not worth failing a build.
      return { html: katex.renderToString(tex, {
        displayMode: display, output: "htmlAndMathml", throwOnError: true,
        trust: false, strict: "ignore",
      }) };
    } catch (e) {
      if (e instanceof katex.ParseError) {
        return { error: e.rawMessage || e.message, position: e.position ?? null };
      }
      return { error: String(e && e.message || e), position: null };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
