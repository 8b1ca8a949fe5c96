// Refresh judge/sitegen/theme/vendor/minisearch from node_modules (run after `npm ci` in site/
// when bumping MiniSearch): its UMD build, minified with terser, plus its licence. The page loads
// it with a <script> tag (window.MiniSearch), so search works from file:// too.
"use strict";
const fs = require("fs");
const path = require("path");
const { minify } = require("terser");

const site = path.resolve(__dirname, "..");
const pkg = path.join(site, "node_modules", "minisearch");
const out = path.resolve(site, "..", "judge", "sitegen", "theme", "vendor", "minisearch");
const version = require(path.join(pkg, "package.json")).version;

(async () => {
  const source = fs.readFileSync(path.join(pkg, "dist", "umd", "index.js"), "utf8");
  const result = await minify(source, { compress: true, mangle: true, format: { comments: false } });
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const banner = `/*! MiniSearch ${version} | MIT License | (c) Luca Ongaro | minified by site/tools/vendor-minisearch.cjs */\n`;
  fs.writeFileSync(path.join(out, "minisearch.min.js"), banner + result.code + "\n");
  fs.copyFileSync(path.join(pkg, "LICENSE.txt"), path.join(out, "LICENSE"));
  fs.writeFileSync(path.join(out, "VERSION"), version + "\n");
  console.log(`vendored MiniSearch ${version} into ${path.relative(process.cwd(), out)}`);
})().catch((err) => { console.error(err); process.exit(1); });
