"""Visible examples for hypergradient-lr: the worked example and a plain-Python cross-check."""

import torch

from judge.testing import assert_close, randn


def naive_sgd_hd(A, b, theta, alpha, beta, steps):
    """SGD-HD in plain Python lists, written directly from the update equations."""
    d = len(theta)
    prev = [0.0] * d
    thetas, alphas = [list(theta)], [alpha]
    for _ in range(steps):
        g = [sum(A[i][j] * theta[j] for j in range(d)) - b[i] for i in range(d)]
        alpha = alpha + beta * sum(gi * pi for gi, pi in zip(g, prev))
        theta = [ti - alpha * gi for ti, gi in zip(theta, g)]
        prev = g
        thetas.append(list(theta))
        alphas.append(alpha)
    return thetas, alphas


def test_worked_example(submission):
    thetas, alphas = submission.sgd_hd_quadratic(torch.tensor([[1.0]]), torch.tensor([0.0]),
                                                 torch.tensor([2.0]), 0.1, 0.01, 2)
    assert_close(thetas, torch.tensor([[2.0], [1.8], [1.5552]]), name="worked example thetas")
    assert_close(alphas, torch.tensor([0.1, 0.1, 0.136]), name="worked example alphas")


def test_matches_a_plain_python_loop(submission):
    d = 3
    M = randn(d, d, seed=1, dtype=torch.float64)
    A = M @ M.T / d + 0.5 * torch.eye(d, dtype=torch.float64)
    b = randn(d, seed=2, dtype=torch.float64)
    theta0 = randn(d, seed=3, dtype=torch.float64)
    thetas, alphas = submission.sgd_hd_quadratic(A, b, theta0, 0.05, 0.02, 6)
    want_t, want_a = naive_sgd_hd(A.tolist(), b.tolist(), theta0.tolist(), 0.05, 0.02, 6)
    assert_close(thetas, torch.tensor(want_t, dtype=torch.float64), name="thetas vs plain loop")
    assert_close(alphas, torch.tensor(want_a, dtype=torch.float64), name="alphas vs plain loop")
