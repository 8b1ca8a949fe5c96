"""Visible examples for meta-gradient-discount: the worked example and a finite-difference check."""

import torch

from judge.testing import randn, assert_close

F64 = torch.float64


def lambda_returns_list(rewards, values, gamma, lam):
    g, out = values[-1], []
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * ((1 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return out[::-1]


def theta_prime(theta, gamma, phi, rewards, alpha, lam):
    """The inner update in plain Python floats (independent of any tensor code)."""
    values = [sum(a * b for a, b in zip(theta, row)) for row in phi]
    G = lambda_returns_list(rewards, values, gamma, lam)
    T = len(rewards)
    return [th + alpha / T * sum((G[t] - values[t]) * phi[t][i] for t in range(T))
            for i, th in enumerate(theta)]


def finite_difference_meta_gradient(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam,
                                    gamma_bar, lam_bar, h=1e-5):
    """Central difference of J'(gamma) with the meta-target frozen at its value at gamma."""
    th0 = theta_prime(theta, gamma, phi, rewards, alpha, lam)
    v2 = [sum(a * b for a, b in zip(th0, row)) for row in phi2]
    target = lambda_returns_list(rewards2, v2, gamma_bar, lam_bar)

    def j(g):
        th = theta_prime(theta, g, phi, rewards, alpha, lam)
        pred = [sum(a * b for a, b in zip(th, row)) for row in phi2[:-1]]
        return 0.5 * sum((c - p) ** 2 for c, p in zip(target, pred)) / len(pred)

    return (j(gamma + h) - j(gamma - h)) / (2 * h)


def test_worked_example(submission):
    theta = torch.tensor([1.0], dtype=F64)
    phi, rewards = torch.tensor([[1.0], [1.0]], dtype=F64), torch.tensor([1.0], dtype=F64)
    phi2, rewards2 = torch.tensor([[2.0], [1.0]], dtype=F64), torch.tensor([1.0], dtype=F64)
    J, dJ = submission.meta_gradient(theta, 0.5, phi, rewards, phi2, rewards2,
                                     alpha=0.5, lam=0.8, gamma_bar=0.5, lam_bar=0.8)
    assert_close(J, torch.tensor(0.3828125, dtype=F64), name="worked example J'")
    assert_close(dJ, torch.tensor(0.875, dtype=F64), name="worked example dJ'/dgamma")


def test_matches_finite_differences(submission):
    d, T, T2 = 3, 5, 4
    theta = randn(d, seed=1, dtype=F64)
    phi, rewards = randn(T + 1, d, seed=2, dtype=F64), randn(T, seed=3, dtype=F64)
    phi2, rewards2 = randn(T2 + 1, d, seed=4, dtype=F64), randn(T2, seed=5, dtype=F64)
    args = (0.3, 0.7, 0.95, 0.9)  # alpha, lam, gamma_bar, lam_bar
    _, dJ = submission.meta_gradient(theta, 0.8, phi, rewards, phi2, rewards2, *args)
    fd = finite_difference_meta_gradient(theta.tolist(), 0.8, phi.tolist(), rewards.tolist(),
                                         phi2.tolist(), rewards2.tolist(), *args)
    assert_close(dJ, torch.tensor(fd, dtype=F64), rtol=1e-5, atol=1e-7,
                 name="dJ'/dgamma vs central finite differences (meta-target held fixed)")
