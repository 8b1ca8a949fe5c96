"""Hidden tests for barlow-twins-loss."""

import pytest
import torch

from judge.testing import assert_close, make_embeddings, run_unchanged

CASES = [(16, 8, 5e-3), (4, 10, 0.1), (32, 3, 1.0), (2, 5, 0.05)]


@pytest.mark.parametrize("n,d,lambd", CASES, ids=["N16-D8", "N4-D10", "N32-D3", "N2-D5"])
def test_matches_reference(submission, reference, n, d, lambd):
    z1, z2 = make_embeddings(n, d, seed=n + d), make_embeddings(n, d, seed=n + d + 100)
    assert_close(submission.barlow_twins_loss(z1, z2, lambd),
                 reference.barlow_twins_loss(z1, z2, lambd), name="Barlow Twins loss")


def test_decorrelated_identical_views_give_zero(submission):
    z = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]]) * 3.0 + 2.0
    assert_close(submission.barlow_twins_loss(z, z.clone(), 0.5, eps=0.0), torch.tensor(0.0),
                 atol=1e-6, name="loss when C is the identity (standardised, decorrelated views)")


def test_invariant_to_per_feature_affine_rescaling(submission, reference):
    z1, z2 = make_embeddings(10, 4, seed=1), make_embeddings(10, 4, seed=2)
    scale = torch.tensor([0.5, 2.0, 7.0, 1.5])
    shift = torch.tensor([3.0, -1.0, 0.0, 10.0])
    got = submission.barlow_twins_loss(z1 * scale + shift, z2 * 3.0 - 2.0, 0.1, eps=0.0)
    assert_close(got, reference.barlow_twins_loss(z1, z2, 0.1, eps=0.0),
                 name="loss after rescaling and shifting each feature")


def test_small_batch_uses_biased_variance(submission, reference):
    z1, z2 = make_embeddings(3, 4, seed=3), make_embeddings(3, 4, seed=4)
    assert_close(submission.barlow_twins_loss(z1, z2, 0.0, eps=0.0),
                 reference.barlow_twins_loss(z1, z2, 0.0, eps=0.0),
                 name="invariance term on a batch of 3 (biased vs unbiased variance)")


def test_batch_of_one_gives_D(submission):
    z1, z2 = make_embeddings(1, 6, seed=5), make_embeddings(1, 6, seed=6)
    assert_close(submission.barlow_twins_loss(z1, z2, 0.3), torch.tensor(6.0),
                 name="loss with N=1 (every standardised value is 0, so C = 0)")


def test_only_off_diagonal_terms_are_weighted_by_lambda(submission, reference):
    z1, z2 = make_embeddings(12, 5, seed=7), make_embeddings(12, 5, seed=8)
    a = submission.barlow_twins_loss(z1, z2, 0.0)
    b = submission.barlow_twins_loss(z1, z2, 1.0)
    assert_close(b - a, reference.barlow_twins_loss(z1, z2, 1.0)
                 - reference.barlow_twins_loss(z1, z2, 0.0),
                 name="the part of the loss proportional to lambda (sum of C_ij^2 over i != j)")


def test_float64(submission, reference):
    z1 = make_embeddings(9, 4, seed=9, dtype=torch.float64)
    z2 = make_embeddings(9, 4, seed=10, dtype=torch.float64)
    got = submission.barlow_twins_loss(z1, z2, 0.02)
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "float64 inputs should give a float64 scalar tensor")
    assert_close(got, reference.barlow_twins_loss(z1, z2, 0.02), rtol=1e-9, atol=1e-10,
                 name="loss on float64 embeddings")


def test_gradients_reach_both_views(submission, reference):
    def probe(m):
        z1 = make_embeddings(6, 3, seed=11, requires_grad=True)
        z2 = make_embeddings(6, 3, seed=12, requires_grad=True)
        m.barlow_twins_loss(z1, z2, 0.1).backward()
        zero = torch.zeros(6, 3)
        return {"z1": z1.grad if z1.grad is not None else zero,
                "z2": z2.grad if z2.grad is not None else zero}

    assert_close(submission.run(probe), reference.run(probe), name="gradients")


def test_inputs_are_not_modified(submission):
    z1, z2 = make_embeddings(5, 3, seed=13), make_embeddings(5, 3, seed=14)

    def probe(m, z1, z2):
        m.barlow_twins_loss(z1, z2, 0.1)

    run_unchanged(submission, probe, z1, z2, name="inputs after the call")


def _written_out(z1, z2, lambd, eps):
    """The loss of the statement, term by term in float64, cast to float32."""
    z1, z2 = z1.double(), z2.double()
    n, d = z1.shape

    def standardise(z):
        mu = z.sum(0) / n
        var = ((z - mu) ** 2).sum(0) / n
        return (z - mu) / (var + eps).sqrt()

    a, b = standardise(z1), standardise(z2)
    total = 0.0
    for i in range(d):
        for j in range(d):
            c = float((a[:, i] * b[:, j]).sum()) / n
            total += (1.0 - c) ** 2 if i == j else lambd * c * c
    return torch.tensor(total, dtype=torch.float32)


def test_default_lambda_and_eps(submission):
    # D > N so the redundancy term weighs: lambda = 5e-3 and eps = 1e-5 are the defaults
    z1, z2 = make_embeddings(6, 12, seed=15), make_embeddings(6, 12, seed=16)
    assert_close(submission.barlow_twins_loss(z1, z2),
                 _written_out(z1, z2, 5e-3, 1e-5),
                 name="loss with the default lambd and eps")
