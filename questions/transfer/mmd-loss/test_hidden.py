"""Hidden tests for mmd-loss: biased estimator, kernel convention, properties and gradients."""

import math

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged


def _naive_mmd2(x, y, sigmas):
    def k(a, b):
        d2 = sum((float(p) - float(q)) ** 2 for p, q in zip(a, b))
        return sum(math.exp(-d2 / (2.0 * s * s)) for s in sigmas)
    m, n = len(x), len(y)
    kxx = sum(k(x[i], x[j]) for i in range(m) for j in range(m)) / (m * m)
    kyy = sum(k(y[i], y[j]) for i in range(n) for j in range(n)) / (n * n)
    kxy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return kxx + kyy - 2.0 * kxy


CASES = [  # m, n, d, sigmas, shift of y
    (8, 8, 4, [1.0], 0.5),
    (6, 10, 3, [0.5, 1.0, 2.0, 4.0], 1.0),
    (1, 1, 5, [2.0], 0.3),
    (12, 3, 1, [0.25, 1.0], 0.0),
]


@pytest.mark.parametrize("m,n,d,sigmas,shift", CASES,
                         ids=["m8-n8-one-bandwidth", "m6-n10-four-bandwidths", "one-sample-each", "d1-m12-n3"])
def test_matches_reference(submission, reference, m, n, d, sigmas, shift):
    x, y = randn(m, d, seed=m + d), randn(n, d, seed=n + 50) + shift
    assert_close(submission.mmd2(x, y, sigmas), reference.mmd2(x, y, sigmas), name="MMD^2")


def test_matches_naive_loop(submission):
    x, y = randn(4, 2, seed=3), randn(6, 2, seed=4, scale=1.5)
    want = _naive_mmd2(x.tolist(), y.tolist(), [0.7, 3.0])
    assert_close(submission.mmd2(x, y, [0.7, 3.0]), torch.tensor(want),
                 name="MMD^2 vs an explicit double loop over pairs")


def test_identical_samples_give_zero(submission):
    x = randn(7, 3, seed=5)
    assert_close(submission.mmd2(x, x.clone(), [0.5, 2.0]), torch.tensor(0.0), atol=1e-6,
                 name="MMD^2 of a sample with itself (the biased estimator is exactly 0)")


def test_symmetric_in_its_arguments(submission):
    x, y = randn(5, 4, seed=6), randn(9, 4, seed=7) + 0.7
    assert_close(submission.mmd2(x, y, [1.0, 2.0]), submission.mmd2(y, x, [1.0, 2.0]),
                 name="MMD^2(x, y) vs MMD^2(y, x)")


def test_non_negative(submission):
    # two small samples from the same distribution: an unbiased estimate is often below 0 here
    values = [submission.mmd2(randn(3, 2, seed=10 + i), randn(4, 2, seed=40 + i), [1.0])
              for i in range(8)]
    assert all(float(v) >= -1e-6 for v in values), (
        "the biased MMD^2 estimate went negative; it is a squared RKHS norm and cannot")


def test_kernel_is_a_sum_over_bandwidths(submission):
    x, y = randn(6, 3, seed=11), randn(5, 3, seed=12) + 0.4
    both = submission.mmd2(x, y, [0.5, 2.0])
    parts = submission.mmd2(x, y, [0.5]) + submission.mmd2(x, y, [2.0])
    assert_close(both, parts, name="MMD^2 with bandwidths [0.5, 2] vs the sum of the single-bandwidth values")


def test_translation_invariant_far_from_origin(submission, reference):
    x, y = randn(6, 3, seed=13), randn(7, 3, seed=14) + 0.5
    far = submission.mmd2(x + 300.0, y + 300.0, [1.0])
    assert_close(far, reference.mmd2(x, y, [1.0]), rtol=1e-3, atol=1e-4,
                 name="MMD^2 of samples translated by 300 (squared distances must not lose precision)")


def test_gradients_match_reference(submission, reference):
    def probe(m):
        x = randn(5, 3, seed=15, requires_grad=True)
        y = randn(4, 3, seed=16, requires_grad=True)
        m.mmd2(x, y, [0.5, 1.5]).backward()
        return {"x": x.grad, "y": y.grad}

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradients of MMD^2 with respect to both samples")


def test_float64(submission, reference):
    x = randn(6, 2, seed=17, dtype=torch.float64)
    y = randn(3, 2, seed=18, dtype=torch.float64) + 1.0
    got = submission.mmd2(x, y, [1.0, 3.0])
    assert isinstance(got, torch.Tensor) and got.shape == () and got.dtype == torch.float64, (
        "expected a float64 scalar tensor (shape ()) for float64 inputs")
    assert_close(got, reference.mmd2(x, y, [1.0, 3.0]), rtol=1e-10, atol=1e-12, name="float64 MMD^2")


def test_inputs_not_modified(submission):
    x, y = randn(4, 3, seed=19), randn(4, 3, seed=20)

    def probe(m, x, y):
        m.mmd2(x, y, [1.0])

    run_unchanged(submission, probe, x, y, name="inputs after the call")
