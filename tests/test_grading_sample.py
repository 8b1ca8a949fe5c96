"""The bundled sample class end to end: grade with two warm engines, a late student, similarity,
the HTML report in a real browser, and the Ray backend against the local one.

The class (examples/sample-class/) is a dozen synthetic students with right, wrong, crashing,
looping, refused and missing files; one local run is shared by every test of this module.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from judge.cli import cli
from judge.grading.backends import LOOPBACK_ENV

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-sample")]  # one worker, when honoured

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "examples" / "sample-class"
ASSIGNMENT = SAMPLE / "assignment.toml"
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
D, P, N = "distillation-loss", "prototypical-loss", "infonce-loss"
A, WA, RE, TLE, CE = "Accepted", "Wrong Answer", "Runtime Error", "Time Limit Exceeded", "Compile Error"

EXPECTED = {  # (student, question) -> verdict, or the state of a row that has none
    ("ada", D): A, ("ada", P): A, ("ada", N): A,
    ("ben", D): A, ("ben", P): A, ("ben", N): A,
    ("chloe", D): WA, ("chloe", P): A, ("chloe", N): A,
    ("dmitri", D): WA, ("dmitri", P): WA, ("dmitri", N): WA,
    ("elif", D): RE, ("elif", P): A, ("elif", N): "missing",
    ("farah", D): A, ("farah", P): TLE, ("farah", N): A,
    ("gus", D): CE, ("gus", P): A, ("gus", N): WA,
    ("hana", D): A, ("hana", P): A, ("hana", N): A,
    ("ivan", D): RE, ("ivan", P): "missing", ("ivan", N): "missing",
    ("jun", D): "refused", ("jun", P): A, ("jun", N): A,
    ("kofi", D): "refused", ("kofi", P): "missing", ("kofi", N): A,
    ("lena", D): WA, ("lena", P): WA, ("lena", N): WA,
}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--bank", str(REPO), *args], catch_exceptions=False)


def rows(run_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Everything stored per student and question, but timings."""
    with sqlite3.connect(run_dir / "run.sqlite") as db:
        db.row_factory = sqlite3.Row
        out = {}
        for r in db.execute("SELECT * FROM results"):
            tests = [tuple(t) for t in db.execute(
                "SELECT name, status, verdict, message, output FROM tests WHERE student = ? AND "
                "question = ? ORDER BY position", (r["student"], r["question"]))]
            out[(r["student"], r["question"])] = {
                "state": r["state"], "verdict": r["verdict"], "passed": r["passed"],
                "total": r["total"], "message": r["message"], "sha256": r["sha256"],
                "question_hash": r["question_hash"], "tests": tests}
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    # Graded once per test session: xdist may run this module's tests on both workers (or set
    # the fixture up again after another module's test), so the run lives in the session's
    # shared temporary folder and a lock makes the second worker wait for the first.
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "grading-sample"
    root.mkdir(exist_ok=True)
    subs, output = root / "submissions", root / "output.txt"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not output.exists():
            shutil.rmtree(subs, ignore_errors=True)
            shutil.rmtree(root / "run", ignore_errors=True)
            shutil.copytree(SAMPLE / "submissions", subs, symlinks=True)
            result = run("grade", str(ASSIGNMENT), str(subs), "--run", str(root / "run"), "-j", "2")
            assert result.exit_code == 0, result.output
            output.write_text(result.output)
    return subs, root / "run", output.read_text()


def test_sample_class_verdicts_and_account(sample: tuple[Path, Path, str]) -> None:
    _, run_dir, output = sample
    stored = rows(run_dir)
    got = {k: (v["verdict"] if v["state"] == "judged" else v["state"]) for k, v in stored.items()}
    assert got == EXPECTED
    assert "Found 12 student(s)" in output and "(per-student layout)" in output
    assert "jun/distillation_loss.py: the file is a symbolic link" in output
    assert "kofi/distillation-loss.py: the file is not UTF-8 text" in output
    assert "kofi/old: a folder inside a student folder (not searched)" in output
    assert "missing  ivan: prototypical-loss, infonce-loss" in output
    assert "README.txt: a file outside any student folder" in output
    assert "To judge: 30 file(s) new or changed" in output
    # farah loops: 1 s per test (the assignment's limit), never the question's 10 s default
    assert all(t[2] == TLE for t in stored[("farah", P)]["tests"])
    # lena prints escape sequences: whatever of her output is kept is kept intact, never printed
    kept = [t[4] for t in stored[("lena", N)]["tests"] if "debug" in t[4]]
    assert all("\x1b[1;32m" in text for text in kept)
    assert "\x1b" not in output
    book = run("export", str(run_dir), "csv").output.splitlines()
    assert book[1] == "(max),10,10,5,25," and "ada,10,10,5,25," in book
    assert "ivan,0,0,0,0,prototypical-loss: missing; infonce-loss: missing" in book


def test_a_late_student_is_the_only_one_judged(sample: tuple[Path, Path, str], tmp_path: Path) -> None:
    subs, run_dir, _ = sample
    late_subs, late_run = tmp_path / "submissions", tmp_path / "run"
    shutil.copytree(subs, late_subs, symlinks=True)
    shutil.copytree(run_dir, late_run)
    shutil.copytree(subs / "ben", late_subs / "mo")
    result = run("grade", str(ASSIGNMENT), str(late_subs), "--run", str(late_run), "-j", "1")
    assert result.exit_code == 0, result.output
    assert "Found 13 student(s)" in result.output
    assert "To judge: 3 file(s) new or changed; 30 stored result(s) reused" in result.output
    before, after = rows(run_dir), rows(late_run)
    assert {k: v for k, v in after.items() if k[0] != "mo"} == before
    assert {after[("mo", q)]["verdict"] for q in (D, P, N)} == {A}


def test_similarity_finds_the_copied_pairs(sample: tuple[Path, Path, str]) -> None:
    _, run_dir, _ = sample
    result = run("similarity", str(run_dir), "--json")
    pairs = {(p["question"], p["a"], p["b"]): p["similarity"] for p in json.loads(result.output)}
    assert {(D, "ada", "hana"), (P, "ada", "hana"), (P, "ben", "jun")} <= set(pairs)
    assert (D, "ada", "ben") not in pairs and all(s >= 0.8 for s in pairs.values())
    text = run("similarity", str(run_dir), "--question", P).output
    assert "ada  <->  hana" in text and D not in text


# ---------------------------------------------------------------- the report in Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    assert CHROMIUM.exists(), "Debian's Chromium is needed: apt-get install chromium"
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                              args=["--headless", "--no-sandbox", "--disable-gpu",
                                    "--disable-background-networking"])
        yield b
        b.close()


def test_report_in_a_real_browser(sample: tuple[Path, Path, str], browser: Any, tmp_path: Path) -> None:
    _, run_dir, _ = sample
    report = tmp_path / "report.html"
    made = run("report", str(run_dir), "--out", str(report))
    assert made.exit_code == 0 and "12 students, 3 similar pair(s)" in made.output
    assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", report.read_text())
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).scheme
                  in ("file", "data") else route.abort())
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    assert [u for u in requests if not u.startswith("file:")] == []
    assert errors == []
    for chart in ("histogram", "verdicts", "failures"):
        svg = page.locator(f"#chart-{chart} svg")
        assert svg.count() == 1 and svg.bounding_box()["width"] > 300, chart
    assert page.locator("#chart-verdicts svg text", has_text="prototypical-loss").count() >= 1
    assert page.locator("#n-students").inner_text() == "12"
    # the per-student detail opens and shows the failing test and its (escaped) output
    lena = page.locator("details.student", has_text="lena")
    assert not lena.locator("pre").first.is_visible()
    lena.locator("summary").click()
    assert lena.locator("text=test_matches_reference").first.is_visible()
    assert "Wrong Answer" in lena.locator("li").first.inner_text()
    assert lena.locator("pre").first.is_visible()  # the failing test's message
    # the side-by-side view of a similar pair marks the shared code
    pair = page.locator("details.pair").first
    pair.locator("summary").click()
    assert pair.locator("mark").count() >= 2 and pair.locator("pre").count() == 2
    rows = [r.split("\t") for r in page.locator("#slowest tbody tr").all_inner_texts()]
    assert any(r[0] == "farah" for r in rows)  # the looping file is among the slowest
    seconds = [float(r[2]) for r in rows]
    assert seconds == sorted(seconds, reverse=True)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "grading-report.png"), full_page=True)
    context.close()


# ---------------------------------------------------------------- Ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """One local Ray instance for the module, on loopback, with 2 CPUs."""
    saved = os.environ.get(LOOPBACK_ENV)
    os.environ[LOOPBACK_ENV] = "0"  # before Ray is imported: every service on 127.0.0.1
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             _node_ip_address="127.0.0.1", object_store_memory=80 * 1024 * 1024)
    yield ray
    ray.shutdown()
    if saved is None:
        os.environ.pop(LOOPBACK_ENV, None)
    else:
        os.environ[LOOPBACK_ENV] = saved


def test_ray_backend_gives_the_local_results(sample: tuple[Path, Path, str], local_ray: Any,
                                             tmp_path: Path) -> None:
    subs, run_dir, _ = sample
    assert {n["NodeManagerAddress"] for n in local_ray.nodes()} == {"127.0.0.1"}
    result = run("grade", str(ASSIGNMENT), str(subs), "--run", str(tmp_path / "ray"),
                 "--backend", "ray", "-j", "2")
    assert result.exit_code == 0, result.output
    assert "To judge: 30 file(s) new or changed" in result.output
    assert rows(tmp_path / "ray") == rows(run_dir)
    ray_book = run("export", str(tmp_path / "ray"), "csv").output
    assert ray_book == run("export", str(run_dir), "csv").output
