"""Hidden tests for distillation-loss: differential checks, edge shapes and properties."""

import math

import pytest
import torch

from judge.testing import assert_close, make_labels, make_logits, run_unchanged

CASES = [  # batch, classes, temperature, alpha, logit scale
    (8, 10, 4.0, 0.9, 3.0),
    (1, 5, 2.0, 0.5, 3.0),
    (16, 3, 1.0, 0.3, 1.0),
    (6, 7, 8.0, 1.0, 2.0),
]


@pytest.mark.parametrize("batch,classes,temperature,alpha,scale", CASES,
                         ids=["B8-C10-T4", "B1-C5-T2", "B16-C3-T1", "B6-C7-T8-soft-only"])
def test_matches_reference(submission, reference, batch, classes, temperature, alpha, scale):
    s = make_logits(batch, classes, seed=batch, scale=scale)
    t = make_logits(batch, classes, seed=batch + 100, scale=scale)
    y = make_labels(batch, classes, seed=batch + 200)
    assert_close(submission.distillation_loss(s, t, y, temperature, alpha),
                 reference.distillation_loss(s, t, y, temperature, alpha), name="loss")


def test_returns_a_scalar(submission):
    s, t = make_logits(4, 3, seed=5), make_logits(4, 3, seed=6)
    out = submission.distillation_loss(s, t, make_labels(4, 3, seed=7), 2.0, 0.5)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def formula(s, t, y, T, alpha):
    """The loss written out term by term from Hinton et al. (2015), independent of any reference."""
    total_kl = total_ce = 0.0
    for i in range(s.shape[0]):
        zs = [float(v) / T for v in s[i]]
        zt = [float(v) / T for v in t[i]]
        ls = math.log(sum(math.exp(v - max(zs)) for v in zs)) + max(zs)
        lt = math.log(sum(math.exp(v - max(zt)) for v in zt)) + max(zt)
        total_kl += sum(math.exp(b - lt) * ((b - lt) - (a - ls)) for a, b in zip(zs, zt))
        raw = [float(v) for v in s[i]]
        lraw = math.log(sum(math.exp(v - max(raw)) for v in raw)) + max(raw)
        total_ce += lraw - raw[int(y[i])]
    n = s.shape[0]
    return alpha * T * T * total_kl / n + (1 - alpha) * total_ce / n


@pytest.mark.parametrize("temperature,alpha", [(10.0, 1.0), (3.0, 0.4)], ids=["T10-soft", "T3-mixed"])
def test_matches_the_formula_written_out(submission, temperature, alpha):
    s, t = make_logits(5, 6, seed=8), make_logits(5, 6, seed=9)
    y = make_labels(5, 6, seed=10)
    assert_close(submission.distillation_loss(s, t, y, temperature, alpha),
                 torch.tensor(formula(s, t, y, temperature, alpha)),
                 name=f"loss at T={temperature:g}, alpha={alpha:g} against the formula written out")


def test_identical_student_and_teacher_give_zero_soft_loss(submission):
    s = make_logits(4, 6, seed=11)
    out = submission.distillation_loss(s, s.clone(), make_labels(4, 6, seed=12), 3.0, 1.0)
    assert_close(out, torch.tensor(0.0), atol=1e-6,
                 name="soft loss when the student equals the teacher (KL must be 0)")


def test_alpha_zero_is_plain_cross_entropy(submission):
    s, t = make_logits(6, 4, seed=13), make_logits(6, 4, seed=14)
    y = make_labels(6, 4, seed=15)
    expected = torch.nn.functional.cross_entropy(s, y)
    assert_close(submission.distillation_loss(s, t, y, 4.0, 0.0), expected,
                 name="loss at alpha=0 (hard-label cross-entropy on unsoftened logits)")


def test_large_logits_stay_finite(submission, reference):
    s = make_logits(4, 8, seed=16, scale=80.0)
    t = make_logits(4, 8, seed=17, scale=80.0)
    y = make_labels(4, 8, seed=18)
    got = submission.distillation_loss(s, t, y, 2.0, 0.5)
    assert_close(got, reference.distillation_loss(s, t, y, 2.0, 0.5), rtol=1e-4,
                 name="loss with logits of size ~100")


def test_float64_inputs(submission, reference):
    s = make_logits(5, 5, seed=19, dtype=torch.float64)
    t = make_logits(5, 5, seed=20, dtype=torch.float64)
    y = make_labels(5, 5, seed=21)
    assert_close(submission.distillation_loss(s, t, y, 3.0, 0.6),
                 reference.distillation_loss(s, t, y, 3.0, 0.6), rtol=1e-9, atol=1e-10,
                 name="loss on float64 logits")


def test_gradient_reaches_student_only(submission, reference):
    def probe(m):
        s = make_logits(6, 5, seed=22, requires_grad=True)
        t = make_logits(6, 5, seed=23, requires_grad=True)
        m.distillation_loss(s, t, make_labels(6, 5, seed=24), 4.0, 0.8).backward()
        teacher_grad = t.grad if t.grad is not None else torch.zeros_like(t)
        return {"student": s.grad, "teacher": teacher_grad}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"],
                 name="gradient on the teacher logits (the teacher must be detached)")
    assert_close(got["student"], want["student"], name="gradient on the student logits")


def test_inputs_are_not_modified(submission):
    s, t = make_logits(3, 4, seed=25), make_logits(3, 4, seed=26)
    y = make_labels(3, 4, seed=27)

    def probe(m, s, t, y):
        m.distillation_loss(s, t, y, 2.0, 0.5)

    run_unchanged(submission, probe, s, t, y, name="inputs after the call")
