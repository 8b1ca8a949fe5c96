"""Visible examples for lambda-returns: the worked example and the forward-view definition."""

import torch

from judge.testing import assert_close, randn


def forward_view(rewards, values, gamma, lam):
    """Sutton's forward view without episode ends: a lambda-weighted mix of n-step returns."""
    T = len(rewards)
    out = []
    for t in range(T):
        N = T - t
        n_step = []
        for n in range(1, N + 1):
            g = sum(gamma ** k * rewards[t + k] for k in range(n)) + gamma ** n * values[t + n]
            n_step.append(g)
        mix = sum((1 - lam) * lam ** (n - 1) * n_step[n - 1] for n in range(1, N))
        out.append(mix + lam ** (N - 1) * n_step[N - 1])
    return out


def test_worked_example(submission):
    rewards = torch.tensor([1.0, 0.0, 2.0])
    values = torch.tensor([0.0, 2.0, 4.0, 8.0])
    dones = torch.tensor([False, True, False])
    got = submission.lambda_returns(rewards, values, dones, gamma=0.5, lam=0.5)
    assert_close(got, torch.tensor([1.5, 0.0, 6.0]), name="worked example lambda-returns")


def test_matches_the_forward_view(submission):
    T = 7
    rewards = randn(T, seed=1, dtype=torch.float64)
    values = randn(T + 1, seed=2, dtype=torch.float64)
    dones = torch.zeros(T, dtype=torch.bool)
    got = submission.lambda_returns(rewards, values, dones, gamma=0.9, lam=0.7)
    want = forward_view(rewards.tolist(), values.tolist(), 0.9, 0.7)
    assert_close(got, torch.tensor(want, dtype=torch.float64),
                 name="lambda-returns vs the mix of n-step returns")
