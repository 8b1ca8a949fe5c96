"""The student pack of an assignment: what a class may see, and nothing else.

Per question: the statement (Problem, Examples and, if the assignment says so, Hints) as Markdown
and as the site's HTML page, the starter under the file name the grader expects, and the visible
tests with a ``conftest.py`` that runs them on the student's file. Never read into the pack: the
hidden tests, the reference solution, the known-wrong variants and the Explanation section (it
discusses the solution). The site's pages are built from a copy of each question stripped of
those, so the page template has nothing secret to show.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from judge.errors import UsageError
from judge.grading.assignment import Assignment
from judge.grading.layout import file_names
from judge.model import Bank, Question

MARKER = ".metajudge-pack"
PUBLIC_SECTIONS = ("Problem", "Examples")

CONFTEST = '''"""Runs the visible tests on your files in work/ (in this process: it is your own code).

Tests that compare your answer with the instructor's reference solution are skipped here: the
reference is not in this pack. The graded run checks them, with the hidden tests.
"""

from pathlib import Path

import pytest

from judge.engine.plugin import LocalModule

HERE = Path(__file__).resolve().parent


@pytest.fixture
def submission(request):
    question = Path(request.path).parent.name
    return LocalModule(HERE / "work" / f"{question}.py")


@pytest.fixture
def reference():
    pytest.skip("compares with the reference solution, which is not in this pack")
'''

_PYTEST_INI = """[pytest]
testpaths = tests
addopts = --import-mode=importlib -p no:cacheprovider -q
"""


@dataclass
class Pack:
    out: Path
    files: list[Path] = field(default_factory=list)
    html: bool = False


def export_pack(bank: Bank, assignment: Assignment, out: Path, *, html: bool = True,
                force: bool = False) -> Pack:
    """Write the student pack of ``assignment`` into ``out``."""
    _prepare(out, force)
    pack = Pack(out=out)
    questions = [bank.questions[aq.id] for aq in assignment.questions]

    def write(rel: str, text: str) -> None:
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        pack.files.append(path)

    for q in questions:
        write(f"statements/{q.id}.md", statement(q, assignment.hints))
        write(f"work/{q.id}.py", q.starter.read_text(encoding="utf-8"))
        write(f"tests/{q.id}/test_public.py", q.public_tests.read_text(encoding="utf-8"))
    write("conftest.py", CONFTEST)
    write("pytest.ini", _PYTEST_INI)
    write("README.md", readme(assignment, bank, html))
    if html:
        _site(bank, questions, assignment.hints, out / "site")
        pack.files += [p for p in (out / "site").rglob("*") if p.is_file()]
        pack.html = True
    return pack


def statement(q: Question, hints: bool) -> str:
    parts = [f"# {q.title}", "", f"Question `{q.id}`. Your file must define: "
             + ", ".join(f"`{e}`" for e in q.entry_points) + ".", ""]
    for name in PUBLIC_SECTIONS:
        if q.section(name):
            parts += [f"## {name}", "", q.section(name).strip(), ""]
    if hints and q.section("Hints"):
        parts += ["## Hints", "", q.section("Hints").strip(), ""]
    parts += ["## References", ""] + [f"- {r.cite()}" for r in q.references] + [""]
    return "\n".join(parts)


def readme(assignment: Assignment, bank: Bank, html: bool) -> str:
    rows = []
    for aq in assignment.questions:
        q = bank.questions[aq.id]
        how = "all or nothing" if aq.scoring == "all-or-nothing" else "share of hidden tests passed"
        rows.append(f"| `{q.id}` | {q.title} | {aq.points:g} ({how}) | `work/{file_names(q.id)[0]}` |")
    site_line = ("- `site/index.html`: the same statements as web pages (open from disk, no network).\n"
                 if html else "")
    return f"""# {assignment.title}

| question | title | points | your file |
|---|---|---|---|
{chr(10).join(rows)}

## What is here

- `statements/<question>.md`: each problem, with worked examples.
{site_line}- `work/<question>.py`: the starter code. Fill it in; hand in the `work/` folder with these
  file names (one folder per student, holding `<question>.py` files).
- `tests/<question>/test_public.py`: the visible tests.

## Testing locally

Install Python 3.11, PyTorch and Metajudge (the `judge` package your instructor points you to;
`pip install torch` first, then `pip install metajudge`, or the wheel you were given), then, in
this folder:

```bash
python -m pytest                      # every visible test, on your files in work/
python -m pytest tests/{assignment.ids[0]}     # one question
```

Tests that compare your answer with the instructor's reference are skipped here (the reference
is not in this pack). Your grade comes from hidden tests that check more cases; passing the
visible tests is a good sign, not a guarantee. The graded run judges your file in a sandbox, with
limits on time and memory per test: keep prints short and avoid long loops.
"""


def _prepare(out: Path, force: bool) -> None:
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"the output path {out} is a file", "Pass --out a folder.")
        if any(out.iterdir()):
            if not (out / MARKER).exists():
                raise UsageError(f"the output folder {out} is not empty and is not a student pack",
                                 "Pass --out an empty or new folder.")
            if not force:
                raise UsageError(f"{out} already holds a student pack",
                                 "Pass --force to replace it.")
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Made by `judge export-student`; replaced with --force.\n",
                              encoding="utf-8")


def _site(bank: Bank, questions: list[Question], hints: bool, out: Path) -> None:
    """The site's pages for ``questions`` only, built from copies stripped of every secret."""
    from judge.sitegen import build_site

    keep = set(PUBLIC_SECTIONS) | ({"Hints"} if hints else set())
    ids = {q.id for q in questions}
    with tempfile.TemporaryDirectory() as tmp:
        public: dict[str, Question] = {}
        for q in questions:
            solution_dir = Path(tmp) / q.topic / q.id
            solution_dir.mkdir(parents=True)
            (solution_dir / "reference.py").write_text("", encoding="utf-8")  # nothing to show
            translations = {lang: dataclasses.replace(
                t, sections={k: v for k, v in t.sections.items() if k in keep},
                hints=t.hints if hints else ()) for lang, t in q.translations.items()}
            public[q.id] = dataclasses.replace(
                q, solution_dir=solution_dir,
                sections={k: v for k, v in q.sections.items() if k in keep},
                hints=q.hints if hints else (), related=tuple(r for r in q.related if r in ids),
                translations=translations)
        build_site(Bank(root=bank.root, questions=public), out, tracks=())  # no tracks: a part
