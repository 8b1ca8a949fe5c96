"""Hidden tests for nt-xent-loss: differential checks, invariances, edge cases, gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, make_embeddings, randn, run_unchanged

CASES = [  # pairs N, dim D, temperature
    (8, 16, 0.5),
    (3, 4, 0.1),
    (16, 32, 1.0),
    (2, 5, 0.07),
]


def _correlated_pair(n, d, seed, noise=0.5, dtype=torch.float32):
    """Two views of n items: a shared signal plus view-specific noise, rows of varied norm."""
    base = make_embeddings(n, d, seed=seed, dtype=torch.float64)
    v1 = base + noise * randn(n, d, seed=seed + 1, dtype=torch.float64)
    v2 = base + noise * randn(n, d, seed=seed + 2, dtype=torch.float64)
    return v1.to(dtype), v2.to(dtype)


@pytest.mark.parametrize("n,d,tau", CASES, ids=["N8-D16-T0.5", "N3-D4-T0.1", "N16-D32-T1",
                                                 "N2-D5-T0.07"])
def test_matches_reference(submission, reference, n, d, tau):
    z1, z2 = _correlated_pair(n, d, seed=10 * n + d)
    assert_close(submission.nt_xent_loss(z1, z2, tau), reference.nt_xent_loss(z1, z2, tau),
                 name="loss")


def test_returns_a_scalar(submission):
    z1, z2 = make_embeddings(3, 4, seed=3), make_embeddings(3, 4, seed=4)
    out = submission.nt_xent_loss(z1, z2, 0.5)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_invariant_to_rescaling_each_embedding(submission):
    z1, z2 = _correlated_pair(6, 8, seed=5)
    scale1 = torch.linspace(0.2, 7.0, 6).unsqueeze(1)
    scale2 = torch.linspace(9.0, 0.5, 6).unsqueeze(1)
    plain = submission.nt_xent_loss(z1, z2, 0.2)
    scaled = submission.nt_xent_loss(z1 * scale1, z2 * scale2, 0.2)
    assert_close(scaled, plain, rtol=1e-4, atol=1e-5,
                 name="loss after multiplying each row by a different positive number "
                      "(the similarity must ignore norms)")


def test_symmetric_in_the_two_views(submission):
    z1, z2 = _correlated_pair(5, 6, seed=6, noise=1.0)
    assert_close(submission.nt_xent_loss(z2, z1, 0.3), submission.nt_xent_loss(z1, z2, 0.3),
                 name="loss with z1 and z2 swapped (every view of both sets is an anchor)")


def test_invariant_to_permuting_the_pairs(submission):
    z1, z2 = _correlated_pair(7, 5, seed=7, noise=1.0)
    perm = torch.tensor([3, 0, 6, 1, 5, 2, 4])
    assert_close(submission.nt_xent_loss(z1[perm], z2[perm], 0.5),
                 submission.nt_xent_loss(z1, z2, 0.5),
                 name="loss after reordering the pairs the same way in z1 and z2")


def test_single_pair_gives_zero(submission):
    z1, z2 = make_embeddings(1, 6, seed=8), make_embeddings(1, 6, seed=9)
    assert_close(submission.nt_xent_loss(z1, z2, 0.2), torch.tensor(0.0), atol=1e-6,
                 name="loss for N=1 (the denominator holds only the positive)")


def test_identical_views_orthogonal_items(submission):
    # 3 orthonormal items, both views equal: every anchor has positive logit 1/tau and
    # 4 negatives with logit 0, so the loss is log(1 + 4 exp(-1/tau)).
    z = torch.eye(3, 4) * torch.tensor([[2.0], [0.5], [3.0]])
    expected = math.log(1.0 + 4.0 * math.exp(-1.0 / 0.25))
    assert_close(submission.nt_xent_loss(z, z.clone(), 0.25), torch.tensor(expected),
                 name="loss with identical views of 3 orthogonal items at temperature 0.25")


def test_large_norm_embeddings_stay_finite(submission, reference):
    z1, z2 = _correlated_pair(6, 8, seed=11)
    z1, z2 = z1 * 1e4, z2 * 1e4
    assert_close(submission.nt_xent_loss(z1, z2, 0.5), reference.nt_xent_loss(z1, z2, 0.5),
                 name="loss for embeddings with norms around 1e4")


def test_small_temperature_stays_finite(submission, reference):
    z1, z2 = _correlated_pair(6, 8, seed=12, noise=0.3)
    assert_close(submission.nt_xent_loss(z1, z2, 0.01), reference.nt_xent_loss(z1, z2, 0.01),
                 rtol=1e-4, atol=1e-4,
                 name="loss at temperature 0.01 (logits near 100)")


def test_float64_inputs(submission, reference):
    z1, z2 = _correlated_pair(5, 7, seed=13, dtype=torch.float64)
    got = submission.nt_xent_loss(z1, z2, 0.2)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64, (
        f"float64 inputs should give a float64 loss, got {getattr(got, 'dtype', type(got))}")
    assert_close(got, reference.nt_xent_loss(z1, z2, 0.2), rtol=1e-9, atol=1e-10,
                 name="loss on float64 embeddings")


def test_gradients_reach_both_views(submission, reference):
    def probe(m):
        z1 = make_embeddings(4, 6, seed=14, requires_grad=True)
        z2 = make_embeddings(4, 6, seed=15, requires_grad=True)
        m.nt_xent_loss(z1, z2, 0.5).backward()
        return {"z1": z1.grad, "z2": z2.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert got["z1"] is not None and got["z2"] is not None, "no gradient reached z1 or z2"
    assert_close(got, want, rtol=1e-4, atol=1e-6, name="gradient of the loss")


def test_inputs_are_not_modified(submission):
    z1, z2 = make_embeddings(4, 3, seed=16), make_embeddings(4, 3, seed=17)

    def probe(m, z1, z2):
        m.nt_xent_loss(z1, z2, 0.5)

    run_unchanged(submission, probe, z1, z2, name="inputs after the call")
