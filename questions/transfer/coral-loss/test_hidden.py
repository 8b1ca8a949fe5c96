"""Hidden tests for coral-loss: unbiased covariances, 1/(4 d^2) normalisation, properties."""

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged


def _naive_loss(s, t):
    """Independent check in float64 with explicit loops."""
    def cov(rows):
        n, d = len(rows), len(rows[0])
        mean = [sum(r[k] for r in rows) / n for k in range(d)]
        return [[sum((r[a] - mean[a]) * (r[b] - mean[b]) for r in rows) / (n - 1)
                 for b in range(d)] for a in range(d)]
    cs, ct = cov(s), cov(t)
    d = len(cs)
    return sum((cs[a][b] - ct[a][b]) ** 2 for a in range(d) for b in range(d)) / (4 * d * d)


CASES = [(8, 8, 4), (5, 12, 3), (2, 2, 1), (16, 9, 6)]


@pytest.mark.parametrize("ns,nt,d", CASES, ids=["n8-n8-d4", "n5-n12-d3", "two-rows-d1", "n16-n9-d6"])
def test_matches_reference(submission, reference, ns, nt, d):
    s = randn(ns, d, seed=ns + d)
    t = randn(nt, d, seed=nt + 40, scale=1.7) + 0.3
    assert_close(submission.coral_loss(s, t), reference.coral_loss(s, t), name="CORAL loss")


def test_matches_naive_loop(submission):
    s, t = randn(4, 3, seed=2), randn(5, 3, seed=3, scale=0.5)
    want = _naive_loss(s.tolist(), t.tolist())
    assert_close(submission.coral_loss(s, t), torch.tensor(want),
                 name="CORAL loss vs explicit loops (unbiased covariance, 1/(4 d^2))")


def test_identical_batches_give_zero(submission):
    s = randn(6, 3, seed=4)
    assert_close(submission.coral_loss(s, s.clone()), torch.tensor(0.0), atol=1e-7,
                 name="CORAL loss of a batch with itself")


def test_invariant_to_shifting_the_features(submission, reference):
    s, t = randn(7, 3, seed=5), randn(9, 3, seed=6, scale=1.5)
    shifted = submission.coral_loss(s + 2.0, t - 1.0)
    assert_close(shifted, reference.coral_loss(s, t),
                 name="CORAL loss after shifting source and target means (covariances are centred)")


def test_accurate_for_features_with_a_large_mean(submission, reference):
    s, t = randn(10, 3, seed=7), randn(8, 3, seed=8, scale=1.5)
    assert_close(submission.coral_loss(s + 1000.0, t + 1000.0), reference.coral_loss(s, t),
                 rtol=1e-3, atol=1e-4,
                 name="CORAL loss of features with mean 1000 (centre before multiplying)")


def test_symmetric(submission):
    s, t = randn(6, 4, seed=9), randn(7, 4, seed=10, scale=2.0)
    assert_close(submission.coral_loss(s, t), submission.coral_loss(t, s), name="loss(s, t) vs loss(t, s)")


def test_gradients_match_reference(submission, reference):
    def probe(m):
        s = randn(6, 3, seed=11, requires_grad=True)
        t = randn(5, 3, seed=12, requires_grad=True)
        m.coral_loss(s, t).backward()
        return {"source": s.grad, "target": t.grad}

    assert_close(submission.run(probe), reference.run(probe), name="gradients of the CORAL loss")


def test_float64_scalar(submission, reference):
    s = randn(5, 2, seed=13, dtype=torch.float64)
    t = randn(4, 2, seed=14, dtype=torch.float64, scale=3.0)
    got = submission.coral_loss(s, t)
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "expected a float64 scalar tensor (shape ()) for float64 inputs")
    assert_close(got, reference.coral_loss(s, t), rtol=1e-10, atol=1e-12, name="float64 CORAL loss")


def test_inputs_not_modified(submission):
    s, t = randn(4, 3, seed=15), randn(5, 3, seed=16)

    def probe(m, s, t):
        m.coral_loss(s, t)

    run_unchanged(submission, probe, s, t, name="inputs after the call")
