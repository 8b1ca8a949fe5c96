"""How long `judge site build` takes, and how many bytes its pages load.

    .venv/bin/python benchmarks/site_build.py [--copies 100] [--runs 3] [--no-browser]

Builds the repository bank and a synthetic bank of ``--copies`` questions (copies of the
questions of tests/fixtures/site_bank under new ids), and prints wall and CPU time, the math
share (KaTeX in the embedded V8, in this process) and per-question times. Identical formulas are
rendered once per build, which flatters the copies, so it also renders every formula of the
synthetic bank made distinct and prints that worst case.

Every page is built in English and in Chinese. With Chromium (/usr/bin/chromium) and Playwright
it then serves the repository bank's site on 127.0.0.1 and prints the bytes each page loads (the
page, its styles, scripts, icon and fonts, with every <details> open): each language's index
page with a search in its language, the English index page with a Chinese search (which loads
the Chinese index too), and the heaviest question page of each language. The targets: a full
build well under 5 s for 100 questions on the 2-core CI machine, and at most 250 KB for each
index page.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from judge.bank.loader import load_bank  # noqa: E402
from judge.errors import JudgeError  # noqa: E402
from judge.model import Bank  # noqa: E402
from judge.sitegen import BuildReport, build_site, make_server  # noqa: E402
from judge.sitegen.i18n import LANGS  # noqa: E402
from judge.sitegen.katex import Formula, render_formulas  # noqa: E402
from judge.sitegen.pages import parse_question  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "site_bank"
CHROMIUM = Path("/usr/bin/chromium")
TARGET_S = 5.0
INDEX_BUDGET = 250 * 1024


def synthesize(dest: Path, copies: int) -> Path:
    """A bank of ``copies`` questions, each a fixture question under the id ``<id>-<n>``."""
    source = load_bank(FIXTURE)
    originals = list(source)
    ids = {q.id for q in originals}
    for n in range(copies):
        q = originals[n % len(originals)]
        round_ = n // len(originals)
        new_id = f"{q.id}-{round_}"
        qdir = dest / "questions" / q.topic / new_id
        shutil.copytree(q.directory, qdir, ignore=shutil.ignore_patterns("__pycache__"))
        if q.solution_dir.is_dir():
            shutil.copytree(q.solution_dir, dest / "solutions" / q.topic / new_id,
                            ignore=shutil.ignore_patterns("__pycache__"))
        md = qdir / "question.md"
        text = md.read_text(encoding="utf-8")
        text = re.sub(r"^id: .*$", f"id: {new_id}", text, count=1, flags=re.M)
        text = re.sub(r"^title: (.*)$", rf"title: \1 (copy {round_})", text, count=1, flags=re.M)
        # related ids point at the same round's copies, and only at copies that exist
        made = {f"{o.id}-{round_}" for i, o in enumerate(originals)
                if round_ * len(originals) + i < copies}
        related = [f"{r}-{round_}" for r in q.related if r in ids and f"{r}-{round_}" in made]
        text = re.sub(r"^related: \[.*\]$", f"related: [{', '.join(related)}]", text,
                      count=1, flags=re.M)
        md.write_text(text, encoding="utf-8")
    return dest


@dataclass(frozen=True)
class Run:
    """One build: its report and the CPU seconds of this process (Python and V8 threads)."""

    report: BuildReport
    cpu: float


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def timed(action: Callable[[], BuildReport]) -> Run:
    before = cpu()
    report = action()
    return Run(report, cpu() - before)


def describe(name: str, runs: list[Run]) -> Run:
    best = min(runs, key=lambda r: r.report.seconds)
    rep = best.report
    n = len(rep.per_question)
    per_q = sorted(rep.per_question.values())
    print(f"{name}: {n} questions, {rep.pages} pages, {rep.formulas} formulas")
    print(f"  full build: first {runs[0].report.seconds:.2f} s, best {rep.seconds:.2f} s, "
          f"median {statistics.median(r.report.seconds for r in runs):.2f} s wall "
          f"(of which math {rep.math_seconds:.2f} s); CPU {best.cpu:.2f} s")
    if n:
        print(f"  per question: {rep.seconds / n * 1000:.1f} ms of the full build; "
              f"own parse+render median {statistics.median(per_q) * 1000:.1f} ms, "
              f"max {per_q[-1] * 1000:.1f} ms")
    return best


def distinct_math(bank: Bank) -> Run:
    """Render every formula of ``bank``, each made unique, as if no two were alike."""
    formulas = [f for lang in LANGS for q in bank
                for f in parse_question(q, bank.root, lang).formulas()]
    unique = [Formula(f"{f.tex} {{}}^{{{i}}}", f.display, f.file, f.line)
              for i, f in enumerate(formulas)]

    def render() -> BuildReport:
        start = time.perf_counter()
        render_formulas(unique)
        return BuildReport(out=REPO, pages=0, seconds=time.perf_counter() - start,
                           formulas=len(unique))

    return timed(render)


PAGE_BYTES = """async () => {
    document.querySelectorAll('details').forEach(d => d.open = true);
    await document.fonts.ready;
    await new Promise(r => setTimeout(r, 50));
    await document.fonts.ready;
    const nav = performance.getEntriesByType('navigation')[0];
    return [nav, ...performance.getEntriesByType('resource')]
        .reduce((sum, e) => sum + e.encodedBodySize, 0);
}"""


def page_bytes(site: Path) -> None:
    """Serve ``site`` on 127.0.0.1 and print what the index and the question pages load."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("page bytes: skipped (Playwright is not installed)")
        return
    if not CHROMIUM.exists():
        print("page bytes: skipped (no /usr/bin/chromium)")
        return
    server = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
            context = browser.new_context()
            context.route("**/*", lambda route: route.continue_()
                          if route.request.url.startswith(base) else route.abort())
            page = context.new_page()
            sizes = {}
            searches = ["index.html?q=temperature", "index.zh.html?q=%E6%B8%A9%E5%BA%A6",
                        "index.html?q=%E6%B8%A9%E5%BA%A6"]  # temperature, then 温度 twice
            for rel in searches + sorted(
                    f"questions/{q.name}" for q in (site / "questions").glob("*.html")):
                page.goto(f"{base}/{rel}")
                if "?q=" in rel:  # the English page loads the Chinese index for 温度
                    page.wait_for_function("!/\u2026$/.test("
                                           "document.querySelector('#result-count').textContent)")
                sizes[rel] = int(page.evaluate(PAGE_BYTES))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    labels = ["English index page, English search", "Chinese index page, Chinese search",
              "English index page, Chinese search (both indexes)"]
    print("page bytes (served, every <details> open, fonts included):")
    for rel, label in zip(searches, labels, strict=True):
        budget = "" if "both" in label else (
            f" ({'within' if sizes[rel] <= INDEX_BUDGET else 'OVER'} the "
            f"{INDEX_BUDGET // 1024} KB budget)")
        print(f"  {label}: {sizes[rel]:,} bytes, {sizes[rel] / 1024:.1f} KB{budget}")
    for lang, suffix in (("English", ".html"), ("Chinese", ".zh.html")):
        questions = {k: v for k, v in sizes.items() if k.startswith("questions/")
                     and k.endswith(suffix) and (suffix == ".zh.html") == k.endswith(".zh.html")}
        heaviest = max(questions, key=lambda k: questions[k])
        print(f"  {lang} question pages: heaviest {heaviest} {questions[heaviest] / 1024:.1f} KB; "
              f"median {statistics.median(questions.values()) / 1024:.1f} KB")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="Skip the page-bytes figures.")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(wall times stretch when the machine is busy; CPU times do not)")
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        work = Path(tmp)
        try:
            real = load_bank()  # the repository bank; $METAJUDGE_BANK overrides it
        except JudgeError as exc:
            print(f"repository bank: not built ({exc.message})")
            real = None
        else:
            describe("repository bank", [timed(lambda: build_site(real, work / "real-site"))
                                         for _ in range(args.runs)])
        bank = load_bank(synthesize(work / "bank", args.copies))
        best = describe(f"synthetic bank ({args.copies} copies of the fixture questions)",
                        [timed(lambda: build_site(bank, work / "synthetic-site"))
                         for _ in range(args.runs)])
        math = distinct_math(bank)
        worst = best.report.seconds - best.report.math_seconds + math.report.seconds
        worst_cpu = best.cpu - best.report.math_seconds + math.cpu
        print(f"  if no formula repeated ({math.report.formulas} distinct): math "
              f"{math.report.seconds:.2f} s wall, {math.cpu:.2f} s CPU; full build about "
              f"{worst:.2f} s wall, {worst_cpu:.2f} s CPU")
        ok = worst_cpu < TARGET_S
        print(f"{'meets' if ok else 'MISSES'} the target of {TARGET_S:.0f} s for "
              f"{args.copies} questions (CPU time, worst case)")
        if real is not None and not args.no_browser:
            page_bytes(work / "real-site")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
