"""Hidden tests for meta-sgd: reference checks, closed form, reductions and properties."""

import math

import pytest
import torch

from judge.testing import assert_close, generator, run_unchanged


def make_mlp_params(sizes, seed, dtype=torch.float32):
    g = generator(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(fan_out, fan_in, generator=g, dtype=torch.float64)
                       / math.sqrt(fan_in)).to(dtype))
        params.append((0.1 * torch.randn(fan_out, generator=g, dtype=torch.float64)).to(dtype))
    return params


def make_alphas(params, seed, mean, spread):
    g = generator(seed)
    return [(mean + spread * torch.randn(p.shape, generator=g, dtype=torch.float64)).to(p.dtype)
            for p in params]


def make_sine_tasks(n_tasks, n_support, n_query, seed, dtype=torch.float32):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        amp = 0.5 + 1.5 * torch.rand((), generator=g, dtype=torch.float64)
        phase = math.pi * torch.rand((), generator=g, dtype=torch.float64)
        xs = 6 * torch.rand(n_support, 1, generator=g, dtype=torch.float64) - 3
        xq = 6 * torch.rand(n_query, 1, generator=g, dtype=torch.float64) - 3
        tasks.append({"x_support": xs.to(dtype), "y_support": (amp * torch.sin(xs + phase)).to(dtype),
                      "x_query": xq.to(dtype), "y_query": (amp * torch.sin(xq + phase)).to(dtype)})
    return tasks


def mlp_loss(params, x, y):
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i].T + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return ((h - y) ** 2).mean()


CASES = [  # sizes, tasks, support, query, alpha mean, alpha spread
    ([1, 10, 1], 4, 5, 10, 0.05, 0.02),
    ([1, 6, 6, 1], 2, 8, 8, 0.02, 0.01),
    ([1, 12, 1], 1, 3, 4, 0.1, 0.05),
    ([1, 5, 1], 3, 10, 6, 0.0, 0.05),
]


@pytest.mark.parametrize("sizes,n_tasks,n_s,n_q,mean,spread", CASES,
                         ids=["4tasks", "deep-2tasks", "1task", "mixed-sign-alphas"])
def test_matches_reference(submission, reference, sizes, n_tasks, n_s, n_q, mean, spread):
    params = make_mlp_params(sizes, seed=n_tasks * 10 + n_s)
    alphas = make_alphas(params, seed=n_tasks * 10 + n_s + 1, mean=mean, spread=spread)
    tasks = make_sine_tasks(n_tasks, n_s, n_q, seed=n_tasks * 100 + n_s)
    got = submission.meta_sgd_meta_gradient(params, alphas, tasks)
    want = reference.meta_sgd_meta_gradient(params, alphas, tasks)
    assert_close(got[0], want[0], name="meta-loss")
    assert_close(got[2], want[2], name="gradient with respect to alpha")
    assert_close(got[1], want[1], name="gradient with respect to theta")


def test_linear_regression_closed_form(submission):
    g = generator(30)
    tasks = []
    for _ in range(3):
        w_true = torch.randn(1, 3, generator=g, dtype=torch.float64)
        xs = torch.randn(6, 3, generator=g, dtype=torch.float64)
        xq = torch.randn(7, 3, generator=g, dtype=torch.float64)
        tasks.append({"x_support": xs, "y_support": xs @ w_true.T - 0.2,
                      "x_query": xq, "y_query": xq @ w_true.T - 0.2})
    theta = torch.tensor([0.2, -0.1, 0.3, 0.05], dtype=torch.float64)
    alpha = torch.tensor([0.1, 0.05, -0.02, 0.2], dtype=torch.float64)
    g_theta = torch.zeros(4, dtype=torch.float64)
    g_alpha = torch.zeros(4, dtype=torch.float64)
    for t in tasks:
        a_s = torch.cat([t["x_support"], torch.ones(6, 1, dtype=torch.float64)], 1)
        a_q = torch.cat([t["x_query"], torch.ones(7, 1, dtype=torch.float64)], 1)
        gs = 2.0 / 6 * a_s.T @ (a_s @ theta - t["y_support"].reshape(-1))
        phi = theta - alpha * gs
        gq = 2.0 / 7 * a_q.T @ (a_q @ phi - t["y_query"].reshape(-1))
        g_alpha = g_alpha - gs * gq / 3
        g_theta = g_theta + (gq - (2.0 / 6 * a_s.T @ a_s) @ (alpha * gq)) / 3
    _, got_theta, got_alpha = submission.meta_sgd_meta_gradient(
        [theta[:3].reshape(1, 3), theta[3:]], [alpha[:3].reshape(1, 3), alpha[3:]], tasks)
    flat = lambda xs: torch.cat([x.reshape(-1) for x in xs])  # noqa: E731
    assert_close(flat(got_alpha), g_alpha, rtol=1e-8, atol=1e-10,
                 name="alpha gradient vs the closed form -grad L_s(theta) * grad L_q(phi)")
    assert_close(flat(got_theta), g_theta, rtol=1e-8, atol=1e-10,
                 name="theta gradient vs the closed form (I - H_s diag(alpha)) grad L_q(phi)")


def test_constant_alpha_reduces_to_one_step_maml(submission):
    params = make_mlp_params([1, 6, 1], seed=40, dtype=torch.float64)
    tasks = make_sine_tasks(2, 6, 6, seed=41, dtype=torch.float64)
    theta = [p.clone().requires_grad_(True) for p in params]
    losses = []
    for t in tasks:
        grads = torch.autograd.grad(mlp_loss(theta, t["x_support"], t["y_support"]), theta,
                                    create_graph=True)
        losses.append(mlp_loss([w - 0.07 * g for w, g in zip(theta, grads)], t["x_query"],
                               t["y_query"]))
    maml = list(torch.autograd.grad(torch.stack(losses).mean(), theta))
    alphas = [torch.full_like(p, 0.07) for p in params]
    _, got_theta, _ = submission.meta_sgd_meta_gradient(params, alphas, tasks)
    assert_close(got_theta, maml, rtol=1e-8, atol=1e-10,
                 name="theta gradient with every alpha = 0.07 vs one-step MAML with lr 0.07")


def test_alpha_gradient_by_finite_differences(submission):
    params = make_mlp_params([1, 4, 1], seed=50, dtype=torch.float64)
    alphas = make_alphas(params, seed=51, mean=0.1, spread=0.03)
    tasks = make_sine_tasks(2, 5, 5, seed=52, dtype=torch.float64)
    _, _, g_alpha = submission.meta_sgd_meta_gradient(params, alphas, tasks)
    direction = make_alphas(params, seed=53, mean=0.0, spread=1.0)
    eps = 1e-6
    lp = submission.meta_sgd_meta_gradient(
        params, [a + eps * d for a, d in zip(alphas, direction)], tasks)[0]
    lm = submission.meta_sgd_meta_gradient(
        params, [a - eps * d for a, d in zip(alphas, direction)], tasks)[0]
    numeric = (float(lp) - float(lm)) / (2 * eps)
    analytic = float(sum((g * d).sum() for g, d in zip(g_alpha, direction)))
    assert_close(analytic, numeric, rtol=1e-5, atol=1e-8,
                 name="alpha gradient vs finite differences of the meta-loss")


def test_zero_alphas(submission):
    params = make_mlp_params([1, 6, 1], seed=60)
    tasks = make_sine_tasks(3, 5, 5, seed=61)
    theta = [p.clone().requires_grad_(True) for p in params]
    loss = torch.stack([mlp_loss(theta, t["x_query"], t["y_query"]) for t in tasks]).mean()
    expected = list(torch.autograd.grad(loss, theta))
    _, got_theta, _ = submission.meta_sgd_meta_gradient(
        params, [torch.zeros_like(p) for p in params], tasks)
    assert_close(got_theta, expected,
                 name="theta gradient with alpha = 0 (no adaptation: plain query gradient)")


def test_tasks_are_averaged_not_summed(submission):
    params = make_mlp_params([1, 6, 1], seed=70)
    alphas = make_alphas(params, seed=71, mean=0.05, spread=0.01)
    task = make_sine_tasks(1, 5, 5, seed=72)
    one = submission.meta_sgd_meta_gradient(params, alphas, task)
    three = submission.meta_sgd_meta_gradient(params, alphas, task * 3)
    assert_close(three, one, name="meta-batch of the same task repeated 3 times vs once")


def test_float64(submission, reference):
    params = make_mlp_params([1, 7, 1], seed=80, dtype=torch.float64)
    alphas = make_alphas(params, seed=81, mean=0.05, spread=0.02)
    tasks = make_sine_tasks(2, 6, 6, seed=82, dtype=torch.float64)
    got = submission.meta_sgd_meta_gradient(params, alphas, tasks)
    assert_close(got, reference.meta_sgd_meta_gradient(params, alphas, tasks), rtol=1e-9,
                 atol=1e-11, name="(meta_loss, grad_theta, grad_alpha) in float64")


def test_inputs_are_not_modified(submission):
    params = make_mlp_params([1, 5, 1], seed=90)
    alphas = make_alphas(params, seed=91, mean=0.0, spread=0.05)
    tasks = make_sine_tasks(2, 4, 4, seed=92)

    def probe(m, params, alphas, tasks):
        m.meta_sgd_meta_gradient(params, alphas, tasks)

    run_unchanged(submission, probe, params, alphas, tasks, name="params, alphas and task data after the call")
