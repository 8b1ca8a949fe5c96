"""Hidden tests for dino-loss: pairs of views, centering, sharpening, the center's EMA, gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

CASES = [  # student views, teacher views, batch, K, tau_s, tau_t, momentum
    (2, 2, 4, 8, 0.1, 0.04, 0.9),
    (6, 2, 3, 10, 0.1, 0.07, 0.9),
    (4, 2, 1, 5, 0.2, 0.05, 0.99),
    (3, 1, 5, 4, 1.0, 0.5, 0.5),
]


def _inputs(vs, vt, batch, k, seed, dtype=torch.float32, scale=2.0):
    return (randn(vs, batch, k, seed=seed, scale=scale, dtype=dtype),
            randn(vt, batch, k, seed=seed + 1, scale=scale, dtype=dtype),
            randn(k, seed=seed + 2, scale=0.5, dtype=dtype))


@pytest.mark.parametrize("vs,vt,batch,k,ts,tt,m", CASES,
                         ids=["2-global", "2-global-4-local", "batch-of-1", "1-teacher-view"])
def test_matches_reference(submission, reference, vs, vt, batch, k, ts, tt, m):
    s, t, c = _inputs(vs, vt, batch, k, seed=vs * 10 + batch)
    got = submission.dino_loss(s, t, c, ts, tt, m)
    want = reference.dino_loss(s, t, c, ts, tt, m)
    assert isinstance(got, (tuple, list)) and len(got) == 2, "expected a pair (loss, new_center)"
    assert_close(got[0], want[0], name="loss")
    assert_close(got[1], want[1], name="new center")


def test_loss_against_a_naive_loop(submission):
    s, t, c = _inputs(3, 2, 2, 3, seed=5, dtype=torch.float64)
    ts, tt = 0.3, 0.1
    total, n = 0.0, 0
    for a in range(2):
        for b in range(3):
            if a == b:
                continue
            for i in range(2):
                zt = [math.exp((float(t[a, i, j]) - float(c[j])) / tt) for j in range(3)]
                zs = [math.exp(float(s[b, i, j]) / ts) for j in range(3)]
                total -= sum(zt[j] / sum(zt) * math.log(zs[j] / sum(zs)) for j in range(3)) / 2
            n += 1
    loss, _ = submission.dino_loss(s, t, c, ts, tt, 0.9)
    assert_close(loss, torch.tensor(total / n, dtype=torch.float64), rtol=1e-8, atol=1e-10,
                 name="loss against a naive loop over pairs of different views")


def test_center_update_is_an_ema_of_the_teacher_mean(submission):
    s, t, c = _inputs(4, 2, 3, 5, seed=6)
    batch_mean = t.reshape(-1, 5).mean(0)
    _, c0 = submission.dino_loss(s, t, c, 0.1, 0.04, 0.0)
    _, c9 = submission.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    assert_close(c0, batch_mean, name="new center with momentum 0 (mean of all teacher outputs)")
    assert_close(c9, 0.9 * c + 0.1 * batch_mean, name="new center with momentum 0.9")


def test_loss_uses_the_center_before_its_update(submission):
    s, t, c = _inputs(4, 2, 3, 5, seed=7)
    keep, _ = submission.dino_loss(s, t, c, 0.1, 0.04, 1.0)
    moved, _ = submission.dino_loss(s, t, c, 0.1, 0.04, 0.3)
    assert_close(moved, keep, name="loss with momentum 0.3 versus momentum 1 (should not depend on it)")


def test_shifting_teacher_and_center_together_keeps_the_loss(submission):
    s, t, c = _inputs(4, 2, 3, 6, seed=8)
    shift = randn(6, seed=9, scale=3.0)
    base, _ = submission.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    shifted, _ = submission.dino_loss(s, t + shift, c + shift, 0.1, 0.04, 0.9)
    assert_close(shifted, base, name="loss after adding the same vector to the teacher outputs and the center")


def test_teacher_temperature_matters(submission, reference):
    s, t, c = _inputs(3, 2, 4, 6, seed=10)
    assert_close(submission.dino_loss(s, t, c, 0.5, 0.05, 0.9)[0],
                 reference.dino_loss(s, t, c, 0.5, 0.05, 0.9)[0],
                 name="loss with tau_s = 0.5 and tau_t = 0.05")


def test_large_outputs_stay_finite(submission, reference):
    s, t, c = _inputs(4, 2, 3, 7, seed=11, scale=30.0)
    got = submission.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    assert_close(got[0], reference.dino_loss(s, t, c, 0.1, 0.04, 0.9)[0], rtol=1e-4,
                 name="loss with outputs of size ~30 at tau_t = 0.04")


def test_gradient_reaches_student_only(submission, reference):
    def probe(m):
        s, t, c = (x.requires_grad_(True) for x in _inputs(4, 2, 3, 5, seed=12))
        loss, new_c = m.dino_loss(s, t, c, 0.1, 0.04, 0.9)
        loss.backward()
        zero = lambda x: x.grad if x.grad is not None else torch.zeros_like(x)
        return {"student": s.grad, "teacher": zero(t), "center": zero(c),
                "new_center_has_graph": bool(new_c.requires_grad)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["teacher"], want["teacher"], name="gradient on the teacher outputs (should be none)")
    assert_close(got["center"], want["center"], name="gradient on the center (should be none)")
    assert got["new_center_has_graph"] is False, "the new center is attached to the autograd graph"
    assert_close(got["student"], want["student"], name="gradient on the student outputs")


def test_float64_inputs(submission, reference):
    s, t, c = _inputs(3, 2, 2, 4, seed=13, dtype=torch.float64)
    loss, new_c = submission.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    want = reference.dino_loss(s, t, c, 0.1, 0.04, 0.9)
    assert loss.dtype == torch.float64, f"expected a float64 loss for float64 inputs, got {loss.dtype}"
    assert_close(loss, want[0], rtol=1e-9, atol=1e-10, name="loss on float64 inputs")
    assert_close(new_c, want[1], rtol=1e-9, atol=1e-12, name="new center on float64 inputs")


def test_inputs_and_center_are_not_modified(submission):
    args = _inputs(4, 2, 3, 5, seed=14)

    def probe(m, args):
        m.dino_loss(*args, 0.1, 0.04, 0.9)

    run_unchanged(submission, probe, args, name="inputs (outputs and center) after the call")
