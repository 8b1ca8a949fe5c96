// Refresh judge/sitegen/theme/vendor/katex from node_modules (run after `npm ci` in site/ when
// bumping KaTeX). Keeps only the woff2 fonts, and rewrites the stylesheet so it never asks for
// woff or ttf files. The builder runs katex.min.js in an embedded V8 (mini-racer), not in Node.
"use strict";
const fs = require("fs");
const path = require("path");

const site = path.resolve(__dirname, "..");
const dist = path.join(site, "node_modules", "katex", "dist");
const out = path.resolve(site, "..", "judge", "sitegen", "theme", "vendor", "katex");
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, "fonts"), { recursive: true });
fs.copyFileSync(path.join(dist, "katex.min.js"), path.join(out, "katex.min.js"));
fs.copyFileSync(path.join(site, "node_modules", "katex", "LICENSE"), path.join(out, "LICENSE"));
for (const f of fs.readdirSync(path.join(dist, "fonts"))) {
  if (f.endsWith(".woff2")) fs.copyFileSync(path.join(dist, "fonts", f), path.join(out, "fonts", f));
}
const css = fs.readFileSync(path.join(dist, "katex.min.css"), "utf8")
  .replace(/src:url\((fonts\/[^)]+\.woff2)\) format\("woff2"\)(,url\([^)]+\) format\("[a-z]+"\))*/g,
           'src:url($1) format("woff2")');
if (/\.(woff|ttf)\)/.test(css)) throw new Error("katex.min.css still references woff/ttf fonts");
fs.writeFileSync(path.join(out, "katex.min.css"), css);
const version = require(path.join(site, "node_modules", "katex", "package.json")).version;
fs.writeFileSync(path.join(out, "VERSION"), version + "\n");
console.log(`vendored KaTeX ${version} into ${path.relative(process.cwd(), out)}`);
