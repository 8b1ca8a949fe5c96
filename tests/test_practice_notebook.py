"""The notebook API: how a cell's code travels into the sandbox, and a real kernel run (nbclient)."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch.nn.functional import log_softmax as lsm

from judge.practice import notebook
from judge.practice.nbsource import NotebookError, build_module, global_names
from judge.practice.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SCALE = 2.0
WEIGHTS = {"soft": [0.5, 0.5]}
DTYPE = torch.float64
TEACHER = torch.ones(3)


def _helper(x: torch.Tensor) -> torch.Tensor:
    return F.softmax(x, dim=-1) * SCALE


class Head(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _helper(x)


def my_loss(s: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    p = _helper(t)  # p and s are locals: never looked up in the notebook
    return (lsm(s, dim=-1) * p).sum() * len(WEIGHTS) + Head()(s).sum() + torch.zeros((), dtype=DTYPE)


def uses_a_tensor(x: torch.Tensor) -> torch.Tensor:
    return x + TEACHER


def test_global_names_skip_locals_and_arguments() -> None:
    src = "def f(a, b=D):\n    c = a + G\n    return [c * k for k in range(N)], math.pi\n"
    assert global_names(src) == ["D", "G", "range", "N", "math"]


def test_code_and_the_names_it_uses_travel_as_one_module() -> None:
    text = build_module({"distillation_loss": my_loss}, globals())
    assert "import torch\n" in text and "import torch.nn.functional as F" in text
    assert "from torch.nn.functional import log_softmax as lsm" in text
    assert "SCALE = 2.0" in text and "WEIGHTS = {'soft': [0.5, 0.5]}" in text
    assert "DTYPE = torch.float64" in text
    assert text.index("def _helper") < text.index("class Head") < text.index("def my_loss")
    assert text.rstrip().endswith("distillation_loss = my_loss")
    module: dict[str, Any] = {}
    exec(compile(text, "<built>", "exec"), module)  # the module stands alone
    s, t = torch.randn(2, 4), torch.randn(2, 4)
    assert torch.equal(module["distillation_loss"](s, t), my_loss(s, t))


@pytest.mark.parametrize("obj, message", [
    (uses_a_tensor, "'TEACHER' (a Tensor from the notebook), which cannot be sent"),
    (lambda x: x, "is a lambda"),
    (math.sqrt, "must be a function or class defined in the notebook"),
])
def test_what_cannot_travel_is_named(obj: Any, message: str) -> None:
    with pytest.raises(NotebookError, match=re.escape(message)) as info:
        build_module({"f": obj}, globals())
    assert info.value.hint  # and says what to do


def test_a_local_module_cannot_travel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mylib_for_notebook.py").write_text("def double(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import mylib_for_notebook  # type: ignore[import-not-found]

    namespace = {"mylib_for_notebook": mylib_for_notebook, "double": mylib_for_notebook.double}
    source = "def f(x):\n    return mylib_for_notebook.double(x)\n"
    code = compile(source, str(tmp_path / "cell.py"), "exec")
    (tmp_path / "cell.py").write_text(source)
    exec(code, namespace)
    with pytest.raises(NotebookError, match="the sandbox cannot import"):
        build_module({"f": namespace["f"]}, namespace)
    # a function imported from it travels by its source instead of an import line
    text = build_module({"f": mylib_for_notebook.double}, namespace)
    assert "def double(x)" in text and "import mylib" not in text


def test_entry_points_by_position_keyword_or_name() -> None:
    caller = {"g": my_loss}
    assert notebook._entries(("f", "g"), (_helper,), {}, caller) == {"f": _helper, "g": my_loss}
    assert notebook._entries(("f",), (), {"f": my_loss}, {}) == {"f": my_loss}
    with pytest.raises(notebook.UsageError, match="defines no such name"):
        notebook._entries(("f",), (), {}, {})
    with pytest.raises(notebook.UsageError, match="not an entry point"):
        notebook._entries(("f",), (), {"h": my_loss}, {})
    with pytest.raises(notebook.UsageError, match="2 objects for 1 entry point"):
        notebook._entries(("f",), (my_loss, my_loss), {}, {})


def test_the_html_table_escapes_everything() -> None:
    from judge.engine.runner import Report, TestResult

    report = Report("q", "hidden", "Wrong Answer", [
        TestResult("test_a", "pass", "Accepted", duration=0.01),
        TestResult("test_<b>", "fail", "Wrong Answer", "got <script>alert(1)</script>", 0.02, "<i>x</i>")],
        message="test_<b>: got <script>", seconds=0.5, sandbox="bwrap")
    page = notebook.to_html(report, "def f():\n    return '<tag>'\n")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<i>x</i>" not in page
    assert "&lt;tag&gt;" in page and page.count("<tr>") == 3  # header and one row per test
    assert "1/2 hidden tests passed" in page and ">FAIL<" in page and ">PASS<" in page
    assert repr(notebook.NotebookResult(report, "")).startswith("Wrong Answer")


def test_question_as_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notebook, "_STATE", {})
    notebook.use(bank=ROOT / "tests/fixtures/mini")
    shown = notebook.question("distillation-loss")
    assert shown._repr_markdown_().startswith("## Hinton knowledge-distillation loss")
    assert "## Problem" in shown._repr_markdown_() and "$" in shown._repr_markdown_()  # Jupyter renders maths
    with pytest.raises(notebook.UsageError, match="concept question"):
        notebook.submit("quiz-question", my_loss)


def _readme_notebook_cell() -> str:
    readme = (ROOT / "README.md").read_text()
    tour = readme[readme.index("## A two-minute tour"):readme.index("For instructors and authors:")]
    return tour.split("```python\n", 1)[1].split("```", 1)[0]


FIXED = '''
def distillation_loss(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1),
                    F.softmax(teacher_logits.detach() / T, dim=1), reduction="batchmean")
    return alpha * T * T * soft + (1 - alpha) * F.cross_entropy(student_logits, labels)

notebook.submit("distillation-loss", distillation_loss)
'''
HELPERS = '''
WEIGHT = 1.0

class Softener:
    def __init__(self, T):
        self.T = T

    def targets(self, logits):
        return F.softmax(logits.detach() / self.T, dim=1)

def soft_targets(logits, T):
    return Softener(T).targets(logits)

def kd(student_logits, teacher_logits, labels, temperature, alpha):
    T = temperature
    soft = F.kl_div(F.log_softmax(student_logits / T, dim=1), soft_targets(teacher_logits, T),
                    reduction="batchmean")
    return WEIGHT * (alpha * T * T * soft + (1 - alpha) * F.cross_entropy(student_logits, labels))

result = notebook.test("distillation-loss", kd)
print(result.verdict, result.report.suite)
'''


def _html(cell: Any) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


@pytest.mark.slow
def test_a_real_notebook_shows_wrong_answer_then_accepted(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    monkeypatch.setenv("METAJUDGE_SANDBOX", "bwrap")
    monkeypatch.setenv("METAJUDGE_BANK", str(ROOT))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(_readme_notebook_cell()),
                nbformat.v4.new_code_cell(FIXED),
                nbformat.v4.new_code_cell(HELPERS)]
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    wrong, right, helpers = (_html(c) for c in nb.cells)
    assert "Wrong Answer" in wrong and "test_gradient_reaches_student_only" in wrong
    assert "<table>" in wrong and "teacher must be detached" in wrong
    assert "Accepted" in right and "13/13 hidden tests passed" in right and "Wrong Answer" not in right
    printed = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert "Accepted public" in printed, printed
    with open_store(ROOT) as store:
        runs = [r for r in store.submissions("distillation-loss") if r.origin == "notebook"]
    assert [(r.suite, r.verdict) for r in runs] == [("hidden", "Wrong Answer"), ("hidden", "Accepted"),
                                                     ("public", "Accepted")]
    assert runs[1].code is not None and "teacher_logits.detach()" in runs[1].code
    assert "def soft_targets" in (runs[2].code or "") and "WEIGHT = 1.0" in (runs[2].code or "")
    assert "class Softener:" in (runs[2].code or "")  # a class of the notebook travels too
