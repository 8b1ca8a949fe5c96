"""Hidden tests for infonce-loss: differential checks, properties, edge cases, gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, make_embeddings, randn, run_unchanged

CASES = [  # batch N, dim D, temperature
    (8, 16, 0.5),
    (3, 4, 0.1),
    (16, 8, 1.0),
    (1, 5, 0.2),
]


def _pairs(n, d, seed, noise=0.7, dtype=torch.float32):
    """Queries and keys sharing a signal, so positives score higher than most negatives."""
    base = make_embeddings(n, d, seed=seed, dtype=torch.float64)
    q = base + noise * randn(n, d, seed=seed + 1, dtype=torch.float64)
    k = base + noise * randn(n, d, seed=seed + 2, dtype=torch.float64)
    return q.to(dtype), k.to(dtype)


@pytest.mark.parametrize("n,d,tau", CASES, ids=["N8-D16-T0.5", "N3-D4-T0.1", "N16-D8-T1",
                                                 "N1-D5-T0.2"])
def test_matches_reference(submission, reference, n, d, tau):
    q, k = _pairs(n, d, seed=10 * n + d)
    assert_close(submission.info_nce_loss(q, k, tau), reference.info_nce_loss(q, k, tau),
                 name="loss")


def test_returns_a_scalar(submission):
    q, k = make_embeddings(3, 4, seed=3), make_embeddings(3, 4, seed=4)
    out = submission.info_nce_loss(q, k, 0.5)
    assert isinstance(out, torch.Tensor) and out.shape == (), (
        f"expected a scalar tensor of shape (), got {getattr(out, 'shape', type(out).__name__)}")


def test_uninformative_keys_give_log_n(submission):
    q = make_embeddings(6, 4, seed=5)
    k = make_embeddings(1, 4, seed=6).repeat(6, 1)
    assert_close(submission.info_nce_loss(q, k, 0.3), torch.tensor(math.log(6.0)),
                 name="loss when all 6 keys are identical (the positive cannot be told apart)")


def test_single_pair_gives_zero(submission):
    q, k = make_embeddings(1, 3, seed=7), make_embeddings(1, 3, seed=8)
    assert_close(submission.info_nce_loss(q, k, 0.5), torch.tensor(0.0), atol=1e-6,
                 name="loss for N=1 (the positive is the only key)")


def test_shifting_all_keys_by_a_common_vector(submission):
    q, k = _pairs(5, 6, seed=9, noise=1.0)
    shift = randn(1, 6, seed=10, scale=2.0)
    assert_close(submission.info_nce_loss(q, k + shift, 0.5), submission.info_nce_loss(q, k, 0.5),
                 name="loss after adding the same vector to every key (each query's row of "
                      "scores only shifts by a constant)")


def test_invariant_to_permuting_the_pairs(submission):
    q, k = _pairs(7, 5, seed=11, noise=1.0)
    perm = torch.tensor([4, 2, 0, 6, 1, 3, 5])
    assert_close(submission.info_nce_loss(q[perm], k[perm], 0.4),
                 submission.info_nce_loss(q, k, 0.4),
                 name="loss after reordering the (query, key) pairs consistently")


def test_scores_are_raw_dot_products(submission):
    q, k = _pairs(5, 4, seed=12)
    assert_close(submission.info_nce_loss(2.0 * q, k, 1.0), submission.info_nce_loss(q, k, 0.5),
                 name="doubling the queries at tau=1 vs the original queries at tau=0.5 "
                      "(scores are unnormalised dot products divided by tau)")


def test_large_scores_stay_finite(submission, reference):
    q, k = _pairs(6, 8, seed=13, noise=0.3)
    q, k = 20.0 * q, 20.0 * k
    assert_close(submission.info_nce_loss(q, k, 0.5), reference.info_nce_loss(q, k, 0.5),
                 rtol=1e-4, atol=1e-3,
                 name="loss with scores in the hundreds or thousands")


def test_large_scores_with_a_wrong_positive(submission):
    # scores [[0, 200], [200, 0]]: each positive scores 200 below its negative, so each
    # query's term is log(1 + e^200) = 200 + log1p(e^-200), finite in float32
    q = torch.tensor([[10.0, 0.0], [0.0, 10.0]])
    k = torch.tensor([[0.0, 10.0], [10.0, 0.0]])
    expected = 200.0 + math.log1p(math.exp(-200.0))
    assert_close(submission.info_nce_loss(q, k, 0.5), torch.tensor(expected),
                 name="loss when every positive scores 200 below a negative (scores of size 200)")

def test_float64_inputs(submission, reference):
    q, k = _pairs(5, 7, seed=14, dtype=torch.float64)
    got = submission.info_nce_loss(q, k, 0.3)
    assert isinstance(got, torch.Tensor) and got.dtype == torch.float64, (
        f"float64 inputs should give a float64 loss, got {getattr(got, 'dtype', type(got))}")
    assert_close(got, reference.info_nce_loss(q, k, 0.3), rtol=1e-9, atol=1e-10,
                 name="loss on float64 inputs")


def test_gradients_reach_queries_and_keys(submission, reference):
    def probe(m):
        q = make_embeddings(4, 3, seed=15, requires_grad=True)
        k = make_embeddings(4, 3, seed=16, requires_grad=True)
        m.info_nce_loss(q, k, 0.5).backward()
        return {"queries": q.grad, "keys": k.grad}

    got, want = submission.run(probe), reference.run(probe)
    assert got["queries"] is not None and got["keys"] is not None, (
        "no gradient reached the queries or the keys")
    assert_close(got, want, rtol=1e-4, atol=1e-6, name="gradient of the loss")


def test_inputs_are_not_modified(submission):
    q, k = make_embeddings(4, 3, seed=17), make_embeddings(4, 3, seed=18)

    def probe(m, q, k):
        m.info_nce_loss(q, k, 0.5)

    run_unchanged(submission, probe, q, k, name="inputs after the call")
