"""Hidden tests for vicreg-loss: each term isolated, edge cases and properties."""

import pytest
import torch

from judge.testing import assert_close, make_embeddings, run_unchanged

CASES = [(16, 8, 0.5), (4, 10, 0.3), (32, 3, 1.5), (2, 5, 0.7)]


@pytest.mark.parametrize("n,d,scale", CASES, ids=["N16-D8", "N4-D10", "N32-D3", "N2-D5"])
def test_matches_reference(submission, reference, n, d, scale):
    z1 = make_embeddings(n, d, seed=n + d) * scale
    z2 = make_embeddings(n, d, seed=n + d + 100) * scale
    assert_close(submission.vicreg_loss(z1, z2), reference.vicreg_loss(z1, z2),
                 name="VICReg loss with the default weights")


def test_invariance_term_alone(submission, reference):
    z1, z2 = make_embeddings(6, 4, seed=1), make_embeddings(6, 4, seed=2)
    assert_close(submission.vicreg_loss(z1, z2, 1.0, 0.0, 0.0),
                 reference.vicreg_loss(z1, z2, 1.0, 0.0, 0.0),
                 name="loss with mu = nu = 0 (the invariance term: mean over N*D entries)")


def test_variance_term_alone(submission, reference):
    z1, z2 = make_embeddings(3, 5, seed=3) * 0.6, make_embeddings(3, 5, seed=4) * 0.6
    assert_close(submission.vicreg_loss(z1, z2, 0.0, 1.0, 0.0),
                 reference.vicreg_loss(z1, z2, 0.0, 1.0, 0.0),
                 name="loss with lambda = nu = 0 on a batch of 3 (hinge on the unbiased std, "
                      "both views added)")


def test_covariance_term_alone(submission, reference):
    z1, z2 = make_embeddings(9, 6, seed=5), make_embeddings(9, 6, seed=6) * 2.0
    assert_close(submission.vicreg_loss(z1, z2, 0.0, 0.0, 1.0),
                 reference.vicreg_loss(z1, z2, 0.0, 0.0, 1.0),
                 name="loss with lambda = mu = 0 (off-diagonal covariance only)")


def test_fully_collapsed_embeddings(submission):
    z = torch.full((5, 4), 1.5)
    assert_close(submission.vicreg_loss(z, z.clone()), torch.tensor(25.0 * 2 * (1.0 - 0.01)),
                 name="loss when every embedding is the same constant vector "
                      "(each dimension's hinge is gamma - sqrt(eps))")


def test_single_dimension(submission, reference):
    z1, z2 = make_embeddings(7, 1, seed=7) * 0.5, make_embeddings(7, 1, seed=8) * 0.5
    assert_close(submission.vicreg_loss(z1, z2), reference.vicreg_loss(z1, z2),
                 name="loss with D = 1 (no off-diagonal covariance)")


def test_custom_gamma_and_eps(submission, reference):
    z1, z2 = make_embeddings(10, 4, seed=9), make_embeddings(10, 4, seed=10)
    assert_close(submission.vicreg_loss(z1, z2, 2.0, 3.0, 0.5, gamma=2.0, eps=0.01),
                 reference.vicreg_loss(z1, z2, 2.0, 3.0, 0.5, gamma=2.0, eps=0.01),
                 name="loss with gamma = 2, eps = 0.01 and other weights")


def test_float64(submission, reference):
    z1 = make_embeddings(9, 4, seed=11, dtype=torch.float64) * 0.5
    z2 = make_embeddings(9, 4, seed=12, dtype=torch.float64) * 0.5
    got = submission.vicreg_loss(z1, z2)
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "float64 inputs should give a float64 scalar tensor")
    assert_close(got, reference.vicreg_loss(z1, z2), rtol=1e-9, atol=1e-10,
                 name="loss on float64 embeddings")


def test_gradients_reach_both_views(submission, reference):
    def probe(m):
        z1 = (make_embeddings(6, 3, seed=13) * 0.5).requires_grad_(True)
        z2 = (make_embeddings(6, 3, seed=14) * 0.5).requires_grad_(True)
        m.vicreg_loss(z1, z2).backward()
        zero = torch.zeros(6, 3)
        return {"z1": z1.grad if z1.grad is not None else zero,
                "z2": z2.grad if z2.grad is not None else zero}

    assert_close(submission.run(probe), reference.run(probe), name="gradients")


def test_inputs_are_not_modified(submission):
    z1, z2 = make_embeddings(5, 3, seed=15), make_embeddings(5, 3, seed=16)

    def probe(m, z1, z2):
        m.vicreg_loss(z1, z2)

    run_unchanged(submission, probe, z1, z2, name="inputs after the call")
