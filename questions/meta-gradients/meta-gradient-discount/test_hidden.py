"""Hidden tests for meta-gradient-discount: differential checks, finite differences, autograd use."""

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

F64 = torch.float64


def problem(d, T, T2, seed, dtype=F64, reward_scale=1.0):
    return (randn(d, seed=seed, dtype=dtype),
            randn(T + 1, d, seed=seed + 1, dtype=dtype),
            randn(T, seed=seed + 2, dtype=dtype, scale=reward_scale),
            randn(T2 + 1, d, seed=seed + 3, dtype=dtype),
            randn(T2, seed=seed + 4, dtype=dtype, scale=reward_scale))


def lambda_returns_list(rewards, values, gamma, lam):
    g, out = values[-1], []
    for t in reversed(range(len(rewards))):
        g = rewards[t] + gamma * ((1 - lam) * values[t + 1] + lam * g)
        out.append(g)
    return out[::-1]


def theta_prime(theta, gamma, phi, rewards, alpha, lam):
    values = [sum(a * b for a, b in zip(theta, row)) for row in phi]
    G = lambda_returns_list(rewards, values, gamma, lam)
    T = len(rewards)
    return [th + alpha / T * sum((G[t] - values[t]) * phi[t][i] for t in range(T))
            for i, th in enumerate(theta)]


def fd_meta_gradient(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar,
                     h=1e-5):
    theta, phi, rewards = theta.tolist(), phi.tolist(), rewards.tolist()
    phi2, rewards2 = phi2.tolist(), rewards2.tolist()
    th0 = theta_prime(theta, gamma, phi, rewards, alpha, lam)
    target = lambda_returns_list(rewards2, [sum(a * b for a, b in zip(th0, r)) for r in phi2],
                                 gamma_bar, lam_bar)

    def j(g):
        th = theta_prime(theta, g, phi, rewards, alpha, lam)
        pred = [sum(a * b for a, b in zip(th, r)) for r in phi2[:-1]]
        return 0.5 * sum((c - p) ** 2 for c, p in zip(target, pred)) / len(pred)

    return (j(gamma + h) - j(gamma - h)) / (2 * h)


CASES = [  # d, T, T', gamma, alpha, lam, gamma_bar, lam_bar, seed
    (4, 6, 5, 0.9, 0.2, 0.8, 0.99, 0.9, 10),
    (2, 1, 1, 0.5, 0.5, 0.0, 0.7, 0.0, 20),
    (5, 8, 3, 0.6, 0.1, 1.0, 0.95, 0.5, 30),
    (3, 4, 7, 0.99, 0.05, 0.5, 0.9, 1.0, 40),
]
IDS = ["d4-T6", "d2-T1-lam0", "d5-T8-lam1", "d3-T4-gamma0.99"]


@pytest.mark.parametrize("d,T,T2,gamma,alpha,lam,gbar,lbar,seed", CASES, ids=IDS)
def test_meta_gradient_matches_reference(submission, reference, d, T, T2, gamma, alpha, lam,
                                         gbar, lbar, seed):
    th, phi, r, phi2, r2 = problem(d, T, T2, seed)
    args = (th, gamma, phi, r, phi2, r2, alpha, lam, gbar, lbar)
    assert_close(submission.meta_gradient(*args), reference.meta_gradient(*args),
                 rtol=1e-6, atol=1e-9, name="(J', dJ'/dgamma)")


def test_meta_gradient_matches_finite_differences(submission):
    th, phi, r, phi2, r2 = problem(3, 7, 6, 50)
    args = (0.25, 0.9, 0.97, 0.8)
    _, dJ = submission.meta_gradient(th, 0.85, phi, r, phi2, r2, *args)
    fd = fd_meta_gradient(th, 0.85, phi, r, phi2, r2, *args)
    assert_close(dJ, torch.tensor(fd, dtype=F64), rtol=1e-5, atol=1e-7,
                 name="dJ'/dgamma vs central finite differences with the meta-target held fixed")


def test_meta_objective_value(submission, reference):
    th, phi, r, phi2, r2 = problem(4, 5, 5, 60)
    args = (th, torch.tensor(0.9, dtype=F64), phi, r, phi2, r2, 0.3, 0.7, 0.95, 0.8)
    got = submission.meta_objective(*args)
    assert isinstance(got, torch.Tensor) and got.shape == (), "meta_objective must return a 0-dim tensor"
    assert_close(got, reference.meta_objective(*args), rtol=1e-6, atol=1e-9,
                 name="J' (inner update with gamma, meta-target with gamma_bar)")


def test_meta_objective_backward_gives_gamma_grad(submission, reference):
    def probe(m):
        th, phi, r, phi2, r2 = problem(3, 6, 4, 70)
        gamma = torch.tensor(0.8, dtype=F64, requires_grad=True)
        m.meta_objective(th, gamma, phi, r, phi2, r2, 0.2, 0.6, 0.9, 0.9).backward()
        return gamma.grad if gamma.grad is not None else torch.tensor(float("nan"), dtype=F64)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-6, atol=1e-9,
                 name="gamma.grad after meta_objective(...).backward()")


def test_zero_inner_learning_rate_gives_zero_meta_gradient(submission):
    th, phi, r, phi2, r2 = problem(3, 5, 5, 80)
    _, dJ = submission.meta_gradient(th, 0.9, phi, r, phi2, r2, 0.0, 0.8, 0.95, 0.8)
    assert_close(dJ, torch.tensor(0.0, dtype=F64), atol=1e-12,
                 name="dJ'/dgamma with alpha = 0 (theta' no longer depends on gamma)")


def test_results_are_detached_scalars(submission):
    def probe(m):
        th, phi, r, phi2, r2 = problem(2, 3, 3, 90)
        out = m.meta_gradient(th, 0.9, phi, r, phi2, r2, 0.1, 0.5, 0.9, 0.5)
        return [(tuple(x.shape), bool(x.requires_grad)) for x in out]

    got = submission.run(probe)
    assert got == [((), False), ((), False)], (
        "meta_gradient should return two detached 0-dim tensors (J', dJ'/dgamma)")


def test_float32_inputs(submission, reference):
    th, phi, r, phi2, r2 = problem(3, 5, 4, 100, dtype=torch.float32)
    args = (th, 0.9, phi, r, phi2, r2, 0.2, 0.8, 0.95, 0.9)
    got = submission.meta_gradient(*args)
    assert all(x.dtype == torch.float32 for x in got), "float32 inputs should give float32 outputs"
    assert_close(got, reference.meta_gradient(*args), rtol=1e-4, atol=1e-5,
                 name="(J', dJ'/dgamma) on float32 inputs")


def test_large_rewards(submission, reference):
    th, phi, r, phi2, r2 = problem(3, 6, 6, 110, reward_scale=50.0)
    args = (th, 0.95, phi, r, phi2, r2, 0.01, 0.9, 0.99, 0.9)
    assert_close(submission.meta_gradient(*args), reference.meta_gradient(*args),
                 rtol=1e-6, atol=1e-8, name="(J', dJ'/dgamma) with rewards of size ~50")


def test_inputs_are_not_modified(submission):
    data = problem(3, 4, 4, 120)

    def probe(m, data):
        th, phi, r, phi2, r2 = data
        m.meta_gradient(th, 0.9, phi, r, phi2, r2, 0.2, 0.8, 0.95, 0.9)

    run_unchanged(submission, probe, data, name="inputs after the call")
