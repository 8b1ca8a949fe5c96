"""Hidden tests for swav-sinkhorn: the reference, Algorithm 1 written out with Python loops,
special cases (no iteration, one sample, one prototype, convergence to the equal partition),
invariances, stability, dtype, no autograd history and unchanged inputs."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, call_unchanged, expect, randn


def make_scores(b, k, seed, d=8, dtype=torch.float32):
    """Cosine similarities of B random features with K random prototypes, in [-1, 1]."""
    z = F.normalize(randn(b, d, seed=seed, dtype=torch.float64), dim=1)
    c = F.normalize(randn(k, d, seed=seed + 1, dtype=torch.float64), dim=1)
    return (z @ c.t()).to(dtype)


def written_out(scores, eps, n_iters):
    """Algorithm 1 with plain Python floats, in the K x B layout."""
    b, k = scores.shape
    top = max(float(v) for v in scores.flatten())
    q = [[math.exp((float(scores[j, i]) - top) / eps) for j in range(b)] for i in range(k)]
    total = sum(map(sum, q))
    q = [[v / total for v in row] for row in q]
    for _ in range(n_iters):
        q = [[v / (k * sum(row)) for v in row] for row in q]
        cols = [sum(q[i][j] for i in range(k)) for j in range(b)]
        q = [[q[i][j] / (b * cols[j]) for j in range(b)] for i in range(k)]
    cols = [sum(q[i][j] for i in range(k)) for j in range(b)]
    return torch.tensor([[q[i][j] / cols[j] for i in range(k)] for j in range(b)],
                        dtype=scores.dtype)


CASES = [  # B, K, epsilon, n_iters
    (32, 10, 0.05, 3),
    (8, 24, 0.1, 3),        # more prototypes than samples
    (16, 16, 0.05, 1),
    (10, 4, 0.2, 10),
    (5, 3, 0.5, 2),
    (64, 7, 0.03, 3),
]
IDS = ["B32-K10", "B8-K24", "B16-K16-n1", "B10-K4-n10", "B5-K3-n2", "B64-K7-e0.03"]


@pytest.mark.parametrize("b,k,eps,n_iters", CASES, ids=IDS)
def test_matches_reference(submission, reference, b, k, eps, n_iters):
    scores = make_scores(b, k, seed=b + k)
    assert_close(submission.sinkhorn(scores, eps, n_iters),
                 reference.sinkhorn(scores, eps, n_iters), rtol=1e-4, atol=1e-6,
                 name=f"codes (B={b}, K={k}, epsilon={eps}, n_iters={n_iters})")


@pytest.mark.parametrize("n_iters", [3, 5], ids=["n3", "n5"])
def test_matches_algorithm_written_out(submission, n_iters):
    scores = make_scores(5, 3, seed=40 + n_iters, dtype=torch.float64)
    assert_close(submission.sinkhorn(scores, 0.1, n_iters), written_out(scores, 0.1, n_iters),
                 rtol=1e-9, atol=1e-12,
                 name=f"float64 codes against Algorithm 1 written out (n_iters={n_iters})")


def test_defaults_are_epsilon_0_05_and_three_iterations(submission):
    scores = make_scores(6, 4, seed=50, dtype=torch.float64)
    assert_close(submission.sinkhorn(scores), written_out(scores, 0.05, 3), rtol=1e-9,
                 atol=1e-12, name="codes with the default epsilon and n_iters")


def test_no_iteration_is_a_softmax_per_sample(submission):
    scores = make_scores(7, 5, seed=51)
    assert_close(submission.sinkhorn(scores, 0.1, 0), torch.softmax(scores / 0.1, dim=1),
                 name="codes with n_iters=0 (softmax of scores / epsilon over the prototypes)")


def test_one_sample_gets_uniform_codes(submission):
    scores = make_scores(1, 6, seed=52)
    assert_close(submission.sinkhorn(scores, 0.05, 3), torch.full((1, 6), 1.0 / 6.0),
                 name="codes of a batch of one sample (every prototype gets an equal share)")


def test_one_prototype_takes_everything(submission):
    scores = make_scores(5, 1, seed=53)
    assert_close(submission.sinkhorn(scores, 0.05, 3), torch.ones(5, 1),
                 name="codes with a single prototype")


def test_many_iterations_reach_the_equal_partition(submission):
    scores = make_scores(12, 4, seed=54, dtype=torch.float64)
    codes = submission.sinkhorn(scores, 0.1, 300)
    assert_close(codes.sum(dim=1), torch.ones(12, dtype=torch.float64), rtol=1e-9, atol=1e-12,
                 name="total code of each sample after 300 iterations")
    assert_close(codes.sum(dim=0), torch.full((4,), 3.0, dtype=torch.float64), rtol=1e-6,
                 atol=1e-9, name="total mass of each prototype after 300 iterations (B/K)")


def test_a_constant_shift_changes_nothing(submission):
    scores = make_scores(9, 5, seed=55, dtype=torch.float64)
    assert_close(submission.sinkhorn(scores + 0.7, 0.05, 3), submission.sinkhorn(scores, 0.05, 3),
                 rtol=1e-8, atol=1e-11, name="codes after adding one constant to every score")


def test_a_shift_per_prototype_changes_nothing(submission):
    scores = make_scores(9, 5, seed=56, dtype=torch.float64)
    shift = torch.tensor([[0.3, -0.4, 0.1, 0.0, 0.25]], dtype=torch.float64)
    assert_close(submission.sinkhorn(scores + shift, 0.05, 3),
                 submission.sinkhorn(scores, 0.05, 3), rtol=1e-8, atol=1e-11,
                 name="codes after adding a constant per prototype (cancelled by the first "
                      "prototype step)")


def test_permuting_samples_and_prototypes(submission):
    scores = make_scores(8, 5, seed=57, dtype=torch.float64)
    rows, cols = torch.tensor([3, 0, 7, 1, 6, 2, 5, 4]), torch.tensor([2, 4, 0, 3, 1])
    assert_close(submission.sinkhorn(scores[rows][:, cols], 0.05, 3),
                 submission.sinkhorn(scores, 0.05, 3)[rows][:, cols], rtol=1e-8, atol=1e-11,
                 name="codes of permuted samples and prototypes (permuted the same way)")


def test_large_scores_stay_finite(submission, reference):
    g = torch.Generator().manual_seed(58)
    scores = 0.3 + 0.7 * torch.rand(16, 6, generator=g)      # scores / 0.01 in [30, 100]
    assert_close(submission.sinkhorn(scores, 0.01, 3), reference.sinkhorn(scores, 0.01, 3),
                 rtol=1e-4, atol=1e-6, name="float32 codes with scores / epsilon up to 100")


def test_large_batch_spanning_80_stays_finite(submission, reference):
    # 256 x 64 float32 scores: one at 0.2, the rest in [0.995, 1], so scores / 0.01 spans
    # [20, 100], within 80 of the largest, as the statement allows
    g = torch.Generator().manual_seed(62)
    scores = 0.995 + 0.005 * torch.rand(256, 64, generator=g)
    scores[0, 0] = 0.2
    assert_close(submission.sinkhorn(scores, 0.01, 3), reference.sinkhorn(scores, 0.01, 3),
                 rtol=1e-4, atol=1e-6,
                 name="float32 codes of 256 x 64 scores with scores / epsilon from 20 to 100")

def test_float64_is_kept(submission, reference):
    scores = make_scores(10, 6, seed=59, dtype=torch.float64)
    assert_close(submission.sinkhorn(scores, 0.05, 3), reference.sinkhorn(scores, 0.05, 3),
                 rtol=1e-10, atol=1e-13, name="codes of float64 scores (float64, full precision)")


def test_codes_carry_no_autograd_history(submission):
    scores = make_scores(6, 4, seed=60)

    def probe(m):
        out = m.sinkhorn(scores.clone().requires_grad_(True), 0.05, 3)
        return bool(out.requires_grad), out.detach()

    requires_grad, codes = submission.run(probe)
    expect(requires_grad is False, "requires_grad of the codes computed from scores that "
                                   "require grad", "the codes carry autograd history")
    assert_close(codes, written_out(scores, 0.05, 3), name="codes from scores that require grad")


def test_scores_are_not_modified(submission):
    scores = make_scores(7, 3, seed=61)
    call_unchanged(submission, "sinkhorn", scores, 0.05, 3, name="scores after sinkhorn")
