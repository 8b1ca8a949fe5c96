"""The mutation operators (judge/bank/mutants.py, judge/bank/mutation_ops.py), without a sandbox.

Each operator is shown on a small source: the mutant it must make (operator, before -> after),
what it must leave alone, and, run in this process, that the mutant really behaves differently.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import torch

from judge.bank.loader import load_bank
from judge.bank.mutants import Mutant, generate
from judge.bank.mutation_ops import EFFECT, OPERATORS, REACHED

ROOT = Path(__file__).resolve().parent.parent
HEADER = "import torch\nimport torch.nn.functional as F\n\n"


def mutants_of(body: str, entry_points: tuple[str, ...] = ("f",)) -> list[Mutant]:
    return generate(HEADER + textwrap.dedent(body), entry_points)


def changes(body: str, operator: str, entry_points: tuple[str, ...] = ("f",)) -> set[tuple[str, str]]:
    return {(m.before, m.after) for m in mutants_of(body, entry_points) if m.operator == operator}


def load(m: Mutant) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(m.source, "<mutant>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace


LOSS = """
def f(logits, target, teacher):
    log_p = F.log_softmax(logits, dim=-1)
    p = F.softmax(teacher.detach(), dim=-1)
    kl = F.kl_div(log_p, p, reduction="batchmean")
    return kl + F.cross_entropy(logits, target) - logits.mean(dim=1, keepdim=True).sum()
"""


@pytest.mark.parametrize("operator,before,after", [
    ("log-softmax", "F.log_softmax(logits, dim=-1)", "torch.log(F.softmax(logits, dim=-1))"),
    ("log-softmax", "F.cross_entropy(logits, target)",
     "F.nll_loss(torch.log(F.softmax(logits, dim=1)), target)"),
    ("drop-detach", "teacher.detach()", "teacher"),
    ("reduction", "F.kl_div(log_p, p, reduction='batchmean')", "F.kl_div(log_p, p, reduction='mean')"),
    ("reduction", "F.cross_entropy(logits, target)", "F.cross_entropy(logits, target, reduction='sum')"),
    ("reduction", "logits.mean(dim=1, keepdim=True)", "logits.sum(dim=1, keepdim=True)"),
    ("dim", "F.softmax(teacher.detach(), dim=-1)", "F.softmax(teacher.detach(), dim=-2)"),
    ("dim", "logits.mean(dim=1, keepdim=True)", "logits.mean(dim=0, keepdim=True)"),
    ("bool", "True", "False"),
    ("swap-args", "F.kl_div(log_p, p, reduction='batchmean')", "F.kl_div(p, log_p, reduction='batchmean')"),
    ("swap-args", "F.cross_entropy(logits, target)", "F.cross_entropy(target, logits)"),
    ("negate", "kl + F.cross_entropy(logits, target)", "kl - F.cross_entropy(logits, target)"),
    ("add-detach", "teacher (input of f)", "teacher.detach()"),
    ("add-detach", "logits (input of f)", "logits.detach()"),
    ("add-no-grad", "def f: ...", "def f: with torch.no_grad(): ..."),
])
def test_operators_on_a_loss(operator: str, before: str, after: str) -> None:
    assert (before, after) in changes(LOSS, operator)


def test_every_mutant_of_a_loss_is_a_different_module_that_runs() -> None:
    mutants = mutants_of(LOSS)
    assert len({m.source for m in mutants}) == len(mutants) > 20
    reference: dict[str, Any] = {}
    exec(HEADER + textwrap.dedent(LOSS), reference)  # noqa: S102 - the test's own source
    x, y, t = torch.randn(4, 3), torch.tensor([0, 2, 1, 1]), torch.randn(4, 3)
    want = reference["f"](x, y, t)
    same = []
    for m in mutants:
        try:
            got = load(m)["f"](x.clone(), y.clone(), t.clone())
        except (RuntimeError, IndexError, ValueError, TypeError):
            continue  # a mutant that fails outright is a different function too
        if got.dtype == want.dtype and torch.allclose(got, want):
            same.append(m.operator)
    # on plain inputs only the gradient operators (and the keepdim flip, here) agree in value
    # (and log_softmax -> log(softmax), which differs only for large logits)
    assert set(same) <= {"drop-detach", "add-detach", "add-no-grad", "result-detach", "bool",
                         "log-softmax"}, same


def test_ids_are_deterministic_and_survive_edits_elsewhere() -> None:
    first = mutants_of(LOSS)
    again = mutants_of(LOSS)
    assert [(m.id, m.source) for m in first] == [(m.id, m.source) for m in again]
    assert len({m.id for m in first}) == len(first)
    shifted = mutants_of("\n\n# a comment and a helper above\ndef g(a):\n    return a\n" + LOSS)
    kept = {m.id: m for m in shifted}
    for m in first:
        assert m.id in kept, m.describe()
        assert kept[m.id].line == m.line + 5
    # editing the mutated code itself gives new ids for the mutants of that code
    edited = mutants_of(LOSS.replace("dim=1, keepdim=True", "dim=-1, keepdim=True"))
    gone = {m.id for m in first} - {m.id for m in edited}
    assert gone and all(":f:" in i for i in gone)


def test_descriptions_are_readable() -> None:
    m = next(m for m in mutants_of(LOSS) if m.operator == "drop-detach")
    assert m.describe() == "drop-detach, line 7 in f: teacher.detach() -> teacher"
    assert m.id.startswith("drop-detach:f:") and len(m.id.rsplit(":", 1)[1]) == 6
    long = mutants_of("""
        def f(aaaaaaaaaaaa, bbbbbbbbbbbbbbbbbb, cccccccccccccccccc, dddddddddddddddddd):
            return (aaaaaaaaaaaa.sum(dim=-1) + bbbbbbbbbbbbbbbbbb.sum() * cccccccccccccccccc.mean()
                    - dddddddddddddddddd.abs().sum()) > 0
    """)
    compare = next(m for m in long if m.operator == "compare")
    assert compare.before.endswith("> 0") and compare.after.endswith(">= 0")
    assert compare.before.startswith("...") and len(compare.before) < 90


TENSOR_OPS = """
def f(x, y, mask, model, opt):
    z = (x @ y.T).to(torch.float64)
    w = torch.cat([x, y], dim=0).clamp_min(1e-12)
    a = x.amax(dim=-1) < 0.5
    b = (~mask) & (x > 0)
    model.eval()
    opt.zero_grad()
    with torch.no_grad():
        c = x.clone()
    d = torch.zeros(3, dtype=torch.float32)
    e = x.flip(dims=(-2, -1))
    return z, w, a, b, c, d, e, list(zip(x, y, strict=True)), F.mse_loss(x, y), x - y
"""


@pytest.mark.parametrize("operator,before,after", [
    ("drop-transpose", "y.T", "y"),
    ("swap-operands", "x @ y.T", "y.T @ x"),
    ("drop-cast", "(x @ y.T).to(torch.float64)", "x @ y.T"),
    ("dtype", "torch.float64", "torch.float32"),
    ("dtype", "torch.float32", "torch.float64"),
    ("swap-args", "torch.cat([x, y], dim=0)", "torch.cat([y, x], dim=0)"),
    ("dim", "torch.cat([x, y], dim=0)", "torch.cat([x, y], dim=1)"),
    ("dim", "x.flip(dims=(-2, -1))", "x.flip(dims=(-1, -2))"),
    ("drop-guard", "torch.cat([x, y], dim=0).clamp_min(1e-12)", "torch.cat([x, y], dim=0)"),
    ("constant", "1e-12", "2e-12"),
    ("constant", "0.5", "1.0"),
    ("extreme", "x.amax(dim=-1)", "x.amin(dim=-1)"),
    ("compare", "x.amax(dim=-1) < 0.5", "x.amax(dim=-1) <= 0.5"),
    ("compare", "x > 0", "x >= 0"),
    ("mask-logic", "~mask", "mask"),
    ("mask-logic", "~mask & (x > 0)", "~mask | (x > 0)"),
    ("mode", "model.eval()", "model.train()"),
    ("drop-call", "opt.zero_grad()", "pass"),
    ("drop-no-grad", "with torch.no_grad(): ...", "(no no_grad block)"),
    ("drop-clone", "x.clone()", "x"),
    ("in-place", "x - y", "x.sub_(y)"),
    ("negate", "x - y", "x + y"),
])
def test_tensor_operators(operator: str, before: str, after: str) -> None:
    assert (before, after) in changes(TENSOR_OPS, operator)


def test_what_is_left_alone() -> None:
    found = mutants_of(TENSOR_OPS)
    texts = {(m.operator, m.before) for m in found}
    assert not any(op == "swap-args" and b.startswith(("zip(", "F.mse_loss(")) for op, b in texts)
    assert not any(op == "bool" for op, _ in texts)  # strict=True is not a tensor behaviour
    assert not any(op == "constant" and b in ("-2", "-1") for op, b in texts)  # dims are "dim"
    plain = generate("def lrs(n, top):\n    return [top / 2.6 ** (n - 1 - i) for i in range(n)]\n",
                     ("lrs",))
    ops = {m.operator for m in plain}
    assert "add-no-grad" not in ops and "result-dtype" not in ops and "add-detach" not in ops
    typed = generate("import torch\n\ndef f(x: torch.Tensor, t: float) -> float:\n"
                     "    return float((x / t).sum())\n", ("f",))
    details = {(m.operator, m.before) for m in typed}
    assert ("add-detach", "x (input of f)") in details
    assert not any(op == "add-detach" and b.startswith("t ") for op, b in details)
    assert not any(op.startswith("result-") for op, _ in details)


def test_result_mutants_change_dtype_and_gradient_and_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    found = {m.operator: m for m in generate("def f(x):\n    return x * 2, {'n': x.sum()}\n", ("f",))}
    x = torch.ones(3, requires_grad=True)
    doubled, parts = load(found["result-dtype"])["f"](x)
    assert doubled.dtype == torch.float64 and parts["n"].dtype == torch.float64
    out = capsys.readouterr().out
    assert REACHED in out and EFFECT in out
    doubled, parts = load(found["result-detach"])["f"](x)
    assert not doubled.requires_grad and not parts["n"].requires_grad
    assert not load(found["add-detach"])["f"](x)[0].requires_grad
    capsys.readouterr()
    load(found["add-detach"])["f"](torch.tensor([1, 2]))  # an integer tensor: nothing to detach
    out = capsys.readouterr().out
    assert REACHED in out and EFFECT not in out


def test_in_place_mutant_changes_the_caller_s_tensor() -> None:
    found = generate("def f(x: 'torch.Tensor', y):\n    return x * y\n", ("f",))
    m = next(m for m in found if m.operator == "in-place")
    x = torch.ones(2)
    load(m)["f"](x, torch.full((2,), 3.0))
    assert x.tolist() == [3.0, 3.0]


def test_torch_is_imported_when_a_mutant_needs_it() -> None:
    source = "def f(a, b):\n    return (a - b).pow(2).sum(dim=-1).logsumexp(0)\n"
    found = {m.operator: m for m in generate(source, ("f",))}
    assert b"import torch" in found["add-no-grad"].source
    grad_off = load(found["add-no-grad"])["f"]
    a = torch.randn(2, 3, requires_grad=True)
    assert not grad_off(a, torch.zeros(2, 3)).requires_grad
    unstable = next(m for m in generate(source, ("f",)) if m.operator == "log-softmax")
    assert unstable.after == "(a - b).pow(2).sum(dim=-1).exp().sum(0).log()"
    big = torch.full((2, 3), 40.0)
    assert torch.isinf(load(unstable)["f"](big, torch.zeros(2, 3)))


def test_modules_and_classes() -> None:
    source = textwrap.dedent("""
        import torch
        import torch.nn as nn


        class Head(nn.Module):
            def __init__(self, d: int) -> None:
                super().__init__()
                self.fc = nn.Linear(d, 2)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                return self.fc(x).log_softmax(-1)


        class Fn(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x.view_as(x)

            @staticmethod
            def backward(ctx, g):
                return g.neg()
    """)
    found = generate(source, ("Head",))
    scopes = {(m.operator, m.scope) for m in found}
    assert ("result-dtype", "Head.forward") in scopes and ("log-softmax", "Head.forward") in scopes
    assert ("dim", "Head.forward") in scopes
    assert not any(s.startswith("Fn.") and op in ("add-no-grad", "add-detach") for op, s in scopes)
    assert not any(op == "drop-call" and s == "Head.__init__" for op, s in scopes)  # super().__init__
    unstable = next(m for m in found if m.operator == "log-softmax")
    assert unstable.after == "self.fc(x).softmax(-1).log()"


def test_the_bank_s_references_all_give_mutants_that_compile() -> None:
    bank = load_bank(ROOT)
    total = 0
    for q in bank:
        if not q.is_code:
            continue
        found = generate(q.reference_solution.read_bytes(), q.entry_points)
        assert found, q.id
        for m in found:
            compile(m.source, m.id, "exec")
            assert m.operator in OPERATORS, m.operator
        total += len(found)
    assert total > 500


def test_every_operator_is_documented() -> None:
    from judge.bank.equivalents import ENTRY_KEYS, TOP_KEYS

    guide = (ROOT / "docs" / "authoring.md").read_text()
    for name in OPERATORS:
        assert f"| `{name}` |" in guide, f"docs/authoring.md does not document operator {name!r}"
    for key in (*TOP_KEYS, *ENTRY_KEYS):
        assert f"`{key}`" in guide, f"docs/authoring.md does not document the mutants.yaml key {key!r}"
