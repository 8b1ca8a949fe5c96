"""LaTeX to HTML + MathML at build time with the vendored KaTeX, all formulas in one Node process.

KaTeX was chosen over math-core after rendering the bank's formulas with both in Chromium; see
docs/site.md. The page needs no script and no network: only katex.min.css and its woff2 fonts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from judge.sitegen.errors import SiteBuildError

NODE_ENV = "METAJUDGE_NODE"
TIMEOUT_S = 120
CHUNK_MIN = 400  # below this many formulas a second Node process costs more than it saves


@dataclass(frozen=True)
class Formula:
    """One formula and where it was written, so an error can name the file and line."""

    tex: str
    display: bool
    file: str
    line: int


def _run(command: list[str], keys: list[tuple[str, bool]]) -> list[dict[str, object]]:
    try:
        proc = subprocess.run(
            command, input=json.dumps(keys), capture_output=True,
            text=True, encoding="utf-8", timeout=TIMEOUT_S, check=False,
        )
    except OSError as exc:
        raise SiteBuildError(f"cannot run Node.js ({exc.strerror or exc}) to render math",
                             f"Install Node.js 18 or newer, or point {NODE_ENV} at it.") from exc
    except subprocess.TimeoutExpired as exc:
        raise SiteBuildError(
            f"KaTeX did not finish rendering {len(keys)} formulas in {TIMEOUT_S} s",
            "Check that `node` runs, then build again.") from exc
    if proc.returncode != 0:
        raise SiteBuildError(
            f"the math renderer failed: {proc.stderr.strip()[-800:]}",
            "Run `node --version` (18 or newer is needed) and check site/vendor/katex/.")
    results: list[dict[str, object]] = json.loads(proc.stdout)
    return results


def find_node() -> str:
    """The Node.js executable: $METAJUDGE_NODE, else `node` on PATH."""
    node = os.environ.get(NODE_ENV) or shutil.which("node")
    if not node:
        raise SiteBuildError(
            "Node.js is needed to render math at build time, and no `node` is on PATH",
            f"Install Node.js 18 or newer (Debian: apt-get install nodejs), or set {NODE_ENV}.",
        )
    return node


def render_formulas(formulas: Sequence[Formula], site_dir: Path) -> dict[tuple[str, bool], str]:
    """Render every distinct (tex, display) once; raise one SiteBuildError listing every error."""
    keys = list(dict.fromkeys((f.tex, f.display) for f in formulas))
    if not keys:
        return {}
    script = site_dir / "tools" / "render-math.cjs"
    if not script.is_file():
        raise SiteBuildError(f"the math renderer {script} is missing",
                             "Restore site/tools/render-math.cjs and site/vendor/katex/.")
    command = [find_node(), str(script)]
    # One Node process per core for big banks: KaTeX is single-threaded and most of the build.
    workers = max(1, min(os.cpu_count() or 1, len(keys) // CHUNK_MIN))
    size = -(-len(keys) // workers)
    chunks = [keys[i:i + size] for i in range(0, len(keys), size)]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        parts = list(pool.map(lambda chunk: _run(command, chunk), chunks))
    results = [res for part in parts for res in part]
    rendered: dict[tuple[str, bool], str] = {}
    errors: dict[tuple[str, bool], str] = {}
    for key, res in zip(keys, results, strict=True):
        if "html" in res:
            rendered[key] = str(res["html"])
        else:
            errors[key] = str(res.get("error", "unknown error"))
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
