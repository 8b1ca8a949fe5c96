"""LaTeX to HTML + MathML at build time with the vendored KaTeX, run in an embedded V8 (mini-racer).

KaTeX was chosen over math-core after rendering the bank's formulas with both in Chromium, and
mini-racer over an external Node.js so that a plain ``pip install`` can build a site; see
docs/site.md. The page needs no script and no network: only katex.min.css and its woff2 fonts.
The V8 isolate has no file system, network or process access, only KaTeX and the formulas.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judge.sitegen.errors import SiteBuildError

KATEX_JS = Path(__file__).resolve().parent / "theme" / "vendor" / "katex" / "katex.min.js"
TIMEOUT_S = 120

# trust: false keeps \href, \url and \htmlClass inert. strict "ignore": LaTeX that KaTeX renders
# but frowns on (a unicode letter in math) is not worth failing a build.
_GLUE = """
var katex = (typeof module !== "undefined" && module.exports && module.exports.renderToString)
  ? module.exports : globalThis.katex;
function metajudgeRender(payload) {
  return JSON.stringify(JSON.parse(payload).map(function (item) {
    try {
      return {html: katex.renderToString(item[0], {displayMode: item[1],
        output: "htmlAndMathml", throwOnError: true, trust: false, strict: "ignore"})};
    } catch (e) {
      return {error: String((e && (e.rawMessage || e.message)) || e)};
    }
  }));
}
"""

# The V8 context lives on one worker thread of its own: calls take turns, and a caller that runs
# an asyncio loop (a notebook, Playwright's sync API) does not change how mini-racer behaves.
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="metajudge-katex")
_context: Any = None
_scripts: set[str] = set()  # other scripts loaded into the context (see call_script)


@dataclass(frozen=True)
class Formula:
    """One formula and where it was written, so an error can name the file and line."""

    tex: str
    display: bool
    file: str
    line: int


def _engine() -> Any:
    """One V8 context with KaTeX loaded, made on first use and kept for later builds."""
    global _context
    if _context is not None:
        return _context
    try:
        from py_mini_racer import MiniRacer
    except ImportError as exc:
        raise SiteBuildError(
            "the embedded JavaScript engine that renders math (mini-racer) is not installed",
            "Install Metajudge with its dependencies (`pip install .`) or run "
            "`pip install mini-racer`.") from exc
    try:
        source = KATEX_JS.read_text(encoding="utf-8")
    except OSError as exc:
        raise SiteBuildError(f"KaTeX is missing from the installed package ({KATEX_JS})",
                             "Reinstall Metajudge; the wheel ships theme/vendor/katex/.") from exc
    ctx = MiniRacer()
    ctx.eval("var module = {exports: {}}; var exports = module.exports;")
    ctx.eval(source)
    ctx.eval(_GLUE)
    _context = ctx
    return ctx


def _call(keys: list[tuple[str, bool]]) -> str:
    ctx = _engine()
    try:
        raw: str = ctx.call("metajudgeRender", json.dumps(keys), timeout_sec=TIMEOUT_S)
    except Exception as exc:  # mini-racer raises its own JSEvalException / JSTimeoutException
        raise SiteBuildError(f"KaTeX stopped while rendering {len(keys)} formulas: {exc}",
                             "Build again; if it persists, report the formula named.") from exc
    return raw


def _call_script(script: Path, function: str, payload: str) -> str:
    ctx = _engine()
    if str(script) not in _scripts:
        try:
            ctx.eval("var window = globalThis;")
            ctx.eval(script.read_text(encoding="utf-8"))
        except OSError as exc:
            raise SiteBuildError(f"{script.name} is missing from the installed package ({script})",
                                 "Reinstall Metajudge; the wheel ships judge/sitegen/theme/.") from exc
        _scripts.add(str(script))
    try:
        raw: str = ctx.call(function, payload, timeout_sec=TIMEOUT_S)
    except Exception as exc:  # mini-racer's own exceptions
        raise SiteBuildError(f"{script.name} stopped in {function}: {exc}",
                             "Build again; if it persists, report it.") from exc
    return raw


def call_script(script: Path, function: str, payload: str) -> str:
    """``function(payload)`` from ``script`` (loaded once) in the same V8 context as KaTeX.

    The search index uses it to split text into words with the site's own search.js, so the
    build and the browser agree on Chinese words (``Intl.Segmenter``, ICU's dictionary).
    """
    return _worker.submit(_call_script, script, function, payload).result()


def _render_batch(keys: list[tuple[str, bool]]) -> list[dict[str, str]]:
    results: list[dict[str, str]] = json.loads(_worker.submit(_call, keys).result())
    return results


def render_formulas(formulas: Sequence[Formula]) -> dict[tuple[str, bool], str]:
    """Render every distinct (tex, display) once; raise one SiteBuildError listing every error."""
    keys = list(dict.fromkeys((f.tex, f.display) for f in formulas))
    if not keys:
        return {}
    rendered: dict[tuple[str, bool], str] = {}
    errors: dict[tuple[str, bool], str] = {}
    for key, res in zip(keys, _render_batch(keys), strict=True):
        if "html" in res:
            rendered[key] = res["html"]
        else:
            errors[key] = res.get("error", "unknown error")
    if errors:
        lines = [
            f"{f.file}:{f.line}: LaTeX error in {'$$' if f.display else '$'}{f.tex}"
            f"{'$$' if f.display else '$'}: {errors[(f.tex, f.display)]}"
            for f in formulas if (f.tex, f.display) in errors
        ]
        raise SiteBuildError(
            "math that KaTeX cannot render:\n" + "\n".join(dict.fromkeys(lines)),
            "Fix each formula at the line named (KaTeX supports most of LaTeX math: "
            "https://katex.org/docs/supported), or write \\$ for a literal dollar sign.",
        )
    return rendered
