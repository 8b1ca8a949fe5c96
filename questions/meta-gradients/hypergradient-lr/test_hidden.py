"""Hidden tests for hypergradient-lr: one step, the loop, the direction of adaptation, edge cases."""

import pytest
import torch

from judge.testing import assert_close, randn, run_unchanged

F64 = torch.float64


def quadratic(d, seed, dtype=F64, cond=1.0):
    M = randn(d, d, seed=seed, dtype=dtype)
    A = M @ M.T / d + cond * torch.eye(d, dtype=dtype)
    return A, randn(d, seed=seed + 1, dtype=dtype), randn(d, seed=seed + 2, dtype=dtype)


STEP_CASES = [  # d, alpha, beta, seed
    (4, 0.1, 0.01, 10),
    (1, 0.5, 0.2, 20),
    (7, 0.02, 0.5, 30),
]


@pytest.mark.parametrize("d,alpha,beta,seed", STEP_CASES, ids=["d4", "d1", "d7"])
def test_step_matches_reference(submission, reference, d, alpha, beta, seed):
    theta, g, gp = (randn(d, seed=seed + i, dtype=F64) for i in range(3))
    got_t, got_a = submission.sgd_hd_step(theta, alpha, g, gp, beta)
    want_t, want_a = reference.sgd_hd_step(theta, alpha, g, gp, beta)
    assert_close(got_a, want_a, rtol=1e-9, atol=1e-12, name="alpha_t from one step")
    assert_close(got_t, want_t, rtol=1e-9, atol=1e-12, name="theta_t from one step (uses alpha_t)")


LOOP_CASES = [  # d, alpha0, beta, steps, seed
    (3, 0.05, 0.02, 10, 40),
    (1, 0.3, 0.1, 5, 50),
    (6, 0.01, 0.01, 25, 60),     # beta 0.05 diverged to NaN here; the test compares finite runs
    (2, 0.2, 0.0, 4, 70),
]


@pytest.mark.parametrize("d,alpha0,beta,steps,seed", LOOP_CASES,
                         ids=["d3-10steps", "d1-5steps", "d6-25steps", "beta0"])
def test_loop_matches_reference(submission, reference, d, alpha0, beta, steps, seed):
    A, b, theta0 = quadratic(d, seed)
    assert_close(submission.sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps),
                 reference.sgd_hd_quadratic(A, b, theta0, alpha0, beta, steps),
                 rtol=1e-7, atol=1e-10, name="(thetas, alphas)")


def test_first_step_keeps_the_initial_learning_rate(submission):
    A, b, theta0 = quadratic(3, 80)
    _, alphas = submission.sgd_hd_quadratic(A, b, theta0, 0.1, 0.5, 1)
    assert_close(alphas[1], torch.tensor(0.1, dtype=F64), atol=1e-12,
                 name="alpha_1 (there is no previous gradient at the first step)")


def test_overshooting_decreases_the_learning_rate(submission):
    A = torch.eye(2, dtype=F64)
    _, alphas = submission.sgd_hd_quadratic(A, torch.zeros(2, dtype=F64),
                                            torch.ones(2, dtype=F64), 1.9, 0.1, 3)
    assert float(alphas[2]) < float(alphas[1]) and float(alphas[3]) < float(alphas[2]), (
        "with alpha0 = 1.9 on f = |theta|^2/2 the iterates oscillate; the learning rate should shrink")


def test_timid_steps_increase_the_learning_rate(submission):
    A = torch.eye(2, dtype=F64)
    _, alphas = submission.sgd_hd_quadratic(A, torch.zeros(2, dtype=F64),
                                            torch.ones(2, dtype=F64), 0.01, 0.1, 3)
    assert float(alphas[2]) > float(alphas[1]) and float(alphas[3]) > float(alphas[2]), (
        "with a tiny alpha0 consecutive gradients agree; the learning rate should grow")


def test_zero_steps_returns_the_start(submission):
    A, b, theta0 = quadratic(3, 90)
    thetas, alphas = submission.sgd_hd_quadratic(A, b, theta0, 0.1, 0.1, 0)
    assert tuple(thetas.shape) == (1, 3) and tuple(alphas.shape) == (1,), (
        f"steps=0 should give shapes (1, d) and (1,), got {tuple(thetas.shape)} and {tuple(alphas.shape)}")
    assert_close(thetas[0], theta0, atol=0.0, rtol=0.0, name="thetas[0] (the initial point)")


def test_float32_inputs(submission, reference):
    A, b, theta0 = quadratic(4, 100, dtype=torch.float32)
    got = submission.sgd_hd_quadratic(A, b, theta0, 0.05, 0.01, 8)
    assert all(x.dtype == torch.float32 for x in got), "float32 inputs should give float32 outputs"
    assert_close(got, reference.sgd_hd_quadratic(A, b, theta0, 0.05, 0.01, 8),
                 name="(thetas, alphas) on float32 inputs")


def test_step_does_not_modify_its_inputs(submission):
    theta, g, gp = (randn(3, seed=110 + i, dtype=F64) for i in range(3))

    def probe(m, theta, g, gp):
        m.sgd_hd_step(theta, 0.1, g, gp, 0.05)

    run_unchanged(submission, probe, theta, g, gp, name="inputs of sgd_hd_step after the call")


def test_loop_does_not_modify_its_inputs(submission):
    data = quadratic(3, 120)

    def probe(m, data):
        A, b, theta0 = data
        m.sgd_hd_quadratic(A, b, theta0, 0.1, 0.05, 5)

    run_unchanged(submission, probe, data, name="inputs of sgd_hd_quadratic after the call")
