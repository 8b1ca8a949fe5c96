"""Hidden tests for reptile-update: reference checks, closed forms and properties."""

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


def make_sine_tasks(n_tasks, n_points, seed, dtype=torch.float32):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        amp = 0.5 + 1.5 * torch.rand((), generator=g, dtype=torch.float64)
        phase = math.pi * torch.rand((), generator=g, dtype=torch.float64)
        x = 6 * torch.rand(n_points, 1, generator=g, dtype=torch.float64) - 3
        tasks.append({"x": x.to(dtype), "y": (amp * torch.sin(x + phase)).to(dtype)})
    return tasks


def make_linear_tasks(n_tasks, n_points, dim, seed):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        w_true = torch.randn(1, dim, generator=g, dtype=torch.float64)
        x = torch.randn(n_points, dim, generator=g, dtype=torch.float64)
        tasks.append({"x": x, "y": x @ w_true.T + 0.7})
    return tasks


def mlp_loss(params, x, y):
    h = x
    n_layers = len(params) // 2
    for i in range(n_layers):
        h = h @ params[2 * i].T + params[2 * i + 1]
        if i < n_layers - 1:
            h = torch.tanh(h)
    return ((h - y) ** 2).mean()


CASES = [  # sizes, tasks, points, inner_lr, inner_steps, epsilon
    ([1, 10, 1], 4, 10, 0.02, 5, 0.5),
    ([1, 6, 6, 1], 2, 8, 0.05, 3, 1.0),
    ([1, 12, 1], 1, 5, 0.1, 4, 0.1),
    ([1, 5, 1], 5, 6, 0.01, 10, 0.7),
]


@pytest.mark.parametrize("sizes,n_tasks,n_points,lr,steps,eps", CASES,
                         ids=["4tasks-5steps", "deep-2tasks-eps1", "1task", "5tasks-10steps"])
def test_matches_reference(submission, reference, sizes, n_tasks, n_points, lr, steps, eps):
    params = make_mlp_params(sizes, seed=n_tasks * 10 + steps)
    tasks = make_sine_tasks(n_tasks, n_points, seed=n_tasks * 100 + steps)
    assert_close(submission.reptile_update(params, tasks, lr, steps, eps),
                 reference.reptile_update(params, tasks, lr, steps, eps),
                 name="new initialisation")


def test_one_inner_step_is_sgd_on_the_average_loss(submission):
    params = make_mlp_params([1, 6, 1], seed=20, dtype=torch.float64)
    tasks = make_sine_tasks(3, 7, seed=21, dtype=torch.float64)
    theta = [p.clone().requires_grad_(True) for p in params]
    avg = torch.stack([mlp_loss(theta, t["x"], t["y"]) for t in tasks]).mean()
    grads = torch.autograd.grad(avg, theta)
    expected = [p - 0.4 * 0.1 * g for p, g in zip(params, grads)]
    got = submission.reptile_update(params, tasks, 0.1, 1, 0.4)
    assert_close(got, expected, rtol=1e-8, atol=1e-10,
                 name="with k=1, Reptile must equal one SGD step of size alpha*epsilon on the "
                      "average task loss")


def test_linear_regression_closed_form(submission):
    tasks = make_linear_tasks(3, 6, 2, seed=30)
    theta = torch.tensor([0.1, -0.3, 0.2], dtype=torch.float64)
    alpha, k, eps = 0.1, 3, 0.6
    total = torch.zeros(3, dtype=torch.float64)
    for t in tasks:
        x = torch.cat([t["x"], torch.ones(len(t["x"]), 1, dtype=torch.float64)], 1)
        y = t["y"].reshape(-1)
        phi = theta.clone()
        for _ in range(k):
            phi = phi - alpha * 2.0 / len(x) * x.T @ (x @ phi - y)
        total = total + phi - theta
    expected = theta + eps * total / len(tasks)
    got = submission.reptile_update([theta[:2].reshape(1, 2), theta[2:]], tasks, alpha, k, eps)
    got = torch.cat([got[0].reshape(-1), got[1].reshape(-1)])
    assert_close(got, expected, rtol=1e-8, atol=1e-10,
                 name="linear-regression update vs an independent k-step computation")


def test_epsilon_one_single_task_returns_adapted_weights(submission):
    params = make_mlp_params([1, 6, 1], seed=40, dtype=torch.float64)
    task = make_sine_tasks(1, 6, seed=41, dtype=torch.float64)[0]
    fast = [p.clone() for p in params]
    for _ in range(4):
        fast = [w.requires_grad_(True) for w in fast]
        grads = torch.autograd.grad(mlp_loss(fast, task["x"], task["y"]), fast)
        fast = [(w - 0.05 * g).detach() for w, g in zip(fast, grads)]
    got = submission.reptile_update(params, [task], 0.05, 4, 1.0)
    assert_close(got, fast, rtol=1e-8, atol=1e-10,
                 name="with one task and epsilon=1 the result is phi after k gradient steps")


def test_epsilon_zero_keeps_theta(submission):
    params = make_mlp_params([1, 6, 1], seed=50)
    got = submission.reptile_update(params, make_sine_tasks(3, 5, seed=51), 0.1, 3, 0.0)
    assert_close(got, params, name="with epsilon=0 theta must not move")


def test_task_order_does_not_matter(submission):
    params = make_mlp_params([1, 6, 1], seed=60)
    tasks = make_sine_tasks(3, 6, seed=61)
    a = submission.reptile_update(params, tasks, 0.05, 4, 0.5)
    b = submission.reptile_update(params, tasks[::-1], 0.05, 4, 0.5)
    assert_close(b, a, name="result with the tasks in reverse order (each task starts from theta)")


def test_repeated_task_equals_single_task(submission):
    params = make_mlp_params([1, 6, 1], seed=70)
    task = make_sine_tasks(1, 6, seed=71)
    once = submission.reptile_update(params, task, 0.05, 3, 0.5)
    thrice = submission.reptile_update(params, task * 3, 0.05, 3, 0.5)
    assert_close(thrice, once, name="the same task three times vs once (average over tasks)")


def test_float64(submission, reference):
    params = make_mlp_params([1, 7, 1], seed=80, dtype=torch.float64)
    tasks = make_sine_tasks(2, 6, seed=81, dtype=torch.float64)
    got = submission.reptile_update(params, tasks, 0.05, 3, 0.5)
    assert_close(got, reference.reptile_update(params, tasks, 0.05, 3, 0.5), rtol=1e-9,
                 atol=1e-11, name="new initialisation in float64")
    assert all(p.dtype == torch.float64 for p in got), "the result should stay float64"


def test_inputs_are_not_modified(submission):
    params = make_mlp_params([1, 5, 1], seed=90)
    tasks = make_sine_tasks(2, 5, seed=91)

    def probe(m, params, tasks):
        m.reptile_update(params, tasks, 0.1, 3, 0.5)

    run_unchanged(submission, probe, params, tasks, name="params and task data after the call")
