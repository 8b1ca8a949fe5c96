"""Hidden tests for byol-loss-ema: the loss, the stop-gradient, the EMA and its schedule."""

import math

import pytest
import torch

from judge.testing import assert_close, clone_all, make_embeddings, randn, run_unchanged

CASES = [(8, 16), (1, 4), (5, 3)]  # batch N, dim D


def _views(n, d, seed, dtype=torch.float32):
    """Predictions and targets that share a signal per image, rows of varied norm."""
    base = make_embeddings(n, d, seed=seed, dtype=torch.float64)
    out = [base + 0.8 * randn(n, d, seed=seed + i, dtype=torch.float64) for i in (1, 2, 3, 4)]
    return [t.to(dtype) for t in out]


@pytest.mark.parametrize("n,d", CASES, ids=["N8-D16", "N1-D4", "N5-D3"])
def test_loss_matches_reference(submission, reference, n, d):
    p1, p2, z1, z2 = _views(n, d, seed=n * d)
    assert_close(submission.byol_loss(p1, p2, z1, z2), reference.byol_loss(p1, p2, z1, z2),
                 name="loss")


def test_loss_is_a_scalar(submission):
    p1, p2, z1, z2 = _views(3, 4, seed=1)
    out = submission.byol_loss(p1, p2, z1, z2)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_invariant_to_rescaling_rows(submission):
    p1, p2, z1, z2 = _views(4, 5, seed=2)
    s = torch.tensor([[0.1], [3.0], [10.0], [0.5]])
    assert_close(submission.byol_loss(p1 * s, p2 * 7.0, z1 / s, z2 * 0.2),
                 submission.byol_loss(p1, p2, z1, z2),
                 name="loss after rescaling rows by positive numbers (only angles matter)")


def test_aligned_and_opposite_extremes(submission):
    x = make_embeddings(3, 4, seed=3)
    y = make_embeddings(3, 4, seed=4)
    assert_close(submission.byol_loss(x, y, 2.0 * y, 0.5 * x), torch.tensor(0.0), atol=1e-5,
                 name="loss when each prediction points along the other view's target")
    assert_close(submission.byol_loss(x, y, -y, -3.0 * x), torch.tensor(8.0), atol=1e-5,
                 name="loss when each prediction points opposite the other view's target "
                      "(4 per direction)")


def test_predictions_pair_with_the_other_view(submission):
    x = make_embeddings(3, 4, seed=5)
    y = make_embeddings(3, 4, seed=6)
    # targets equal to the same view's predictions, orthogonal-ish to the other: must not be 0
    got = submission.byol_loss(x, y, x.clone(), y.clone())
    expected = (2 - 2 * torch.nn.functional.cosine_similarity(x, y)).mean() * 2
    assert_close(got, expected, name="loss when z1 equals p1 and z2 equals p2 "
                                     "(p1 must be compared with z2, p2 with z1)")


def test_swapping_the_views(submission):
    p1, p2, z1, z2 = _views(6, 5, seed=7)
    assert_close(submission.byol_loss(p2, p1, z2, z1), submission.byol_loss(p1, p2, z1, z2),
                 name="loss with view 1 and view 2 swapped (both directions are summed)")


def test_loss_within_bounds(submission):
    p1, p2, z1, z2 = _views(16, 6, seed=8)
    got = float(submission.byol_loss(p1, p2, z1, z2))
    assert 0.0 <= got <= 8.0, f"loss {got:.4g} outside [0, 8] (each direction lies in [0, 4])"


def test_no_gradient_to_targets(submission, reference):
    def probe(m):
        tensors = [t.clone().requires_grad_(True) for t in _views(4, 6, seed=9)]
        m.byol_loss(*tensors).backward()
        return [t.grad if t.grad is not None else torch.zeros_like(t) for t in tensors]

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got[2:], want[2:], name="gradient on the target projections z1, z2 "
                                         "(the stop-gradient)")
    assert_close(got[:2], want[:2], rtol=1e-4, atol=1e-6,
                 name="gradient on the online predictions p1, p2")


def test_loss_float64(submission, reference):
    p1, p2, z1, z2 = _views(5, 7, seed=10, dtype=torch.float64)
    got = submission.byol_loss(p1, p2, z1, z2)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64, (
        f"float64 inputs should give a float64 loss, got {getattr(got, 'dtype', type(got))}")
    assert_close(got, reference.byol_loss(p1, p2, z1, z2), rtol=1e-9, atol=1e-10,
                 name="loss on float64 inputs")


@pytest.mark.parametrize("tau", [0.99, 0.7, 0.0, 1.0])
def test_ema_matches_reference(submission, reference, tau):
    shapes = [(3, 4), (4,), (2, 1, 3)]
    target = [randn(*s, seed=20 + i) for i, s in enumerate(shapes)]
    online = [randn(*s, seed=40 + i) for i, s in enumerate(shapes)]
    assert_close(list(submission.ema_update(target, online, tau)),
                 reference.ema_update(target, online, tau), rtol=1e-6, atol=1e-7,
                 name=f"new target parameters (tau={tau})")


def test_ema_is_pure_and_detached(submission):
    def probe(m):
        target = [randn(3, 2, seed=60), randn(2, seed=61)]
        online = [randn(3, 2, seed=62, requires_grad=True), randn(2, seed=63, requires_grad=True)]
        before = clone_all((target, online))
        out = m.ema_update(target, online, 0.996)
        return {"before": before, "after": clone_all((target, online)),
                "requires_grad": [bool(t.requires_grad) for t in out]}

    got = submission.run(probe)
    assert_close(got["after"], got["before"], atol=0.0, rtol=0.0,
                 name="target and online parameters after the update (inputs must be unchanged)")
    assert not any(got["requires_grad"]), (
        "new target parameters carry autograd history: the target is not trained by gradients")


@pytest.mark.parametrize("step,total,base", [(0, 1000, 0.996), (250, 1000, 0.996),
                                              (700, 1000, 0.99), (1000, 1000, 0.9)])
def test_target_decay_schedule(submission, reference, step, total, base):
    got = submission.target_decay(step, total, base)
    assert isinstance(got, float), f"target_decay should return a Python float, got {type(got)}"
    assert_close(got, reference.target_decay(step, total, base), rtol=1e-9, atol=1e-12,
                 name=f"tau at step {step} of {total} with base {base}")


def test_inputs_are_not_modified(submission):
    tensors = _views(3, 4, seed=11)

    def probe(m, tensors):
        m.byol_loss(*tensors)

    run_unchanged(submission, probe, tensors, name="inputs after the call")
