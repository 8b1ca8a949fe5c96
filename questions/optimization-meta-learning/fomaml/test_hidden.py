"""Hidden tests for fomaml: reference checks, a closed form, properties."""

import math

import pytest
import torch

from judge.testing import assert_close, expect, generator, run_unchanged


def make_mlp_params(sizes, seed, dtype=torch.float32):
    g = generator(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(fan_out, fan_in, generator=g, dtype=torch.float64)
                       / math.sqrt(fan_in)).to(dtype))
        params.append((0.1 * torch.randn(fan_out, generator=g, dtype=torch.float64)).to(dtype))
    return params


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


def make_linear_tasks(n_tasks, n_support, n_query, dim, seed):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        w_true = torch.randn(1, dim, generator=g, dtype=torch.float64)
        xs = torch.randn(n_support, dim, generator=g, dtype=torch.float64)
        xq = torch.randn(n_query, dim, generator=g, dtype=torch.float64)
        tasks.append({"x_support": xs, "y_support": xs @ w_true.T + 0.3,
                      "x_query": xq, "y_query": xq @ w_true.T + 0.3})
    return tasks


def first_order_linear(w, b, tasks, alpha, steps):
    """Independent FOMAML gradient for linear regression: mean_i grad L_q(phi_i)."""
    theta = torch.cat([w.reshape(-1), b.reshape(-1)])
    total = torch.zeros_like(theta)
    for t in tasks:
        xs = torch.cat([t["x_support"], torch.ones(len(t["x_support"]), 1, dtype=theta.dtype)], 1)
        xq = torch.cat([t["x_query"], torch.ones(len(t["x_query"]), 1, dtype=theta.dtype)], 1)
        ys, yq = t["y_support"].reshape(-1), t["y_query"].reshape(-1)
        phi = theta.clone()
        for _ in range(steps):
            phi = phi - alpha * (2.0 / len(xs) * xs.T @ (xs @ phi - ys))
        total = total + 2.0 / len(xq) * xq.T @ (xq @ phi - yq)
    total = total / len(tasks)
    d = w.numel()
    return [total[:d].reshape(w.shape), total[d:].reshape(b.shape)]


CASES = [  # sizes, tasks, support, query, inner_lr, inner_steps
    ([1, 10, 1], 4, 5, 10, 0.05, 1),
    ([1, 6, 6, 1], 2, 8, 8, 0.02, 3),
    ([1, 12, 1], 1, 3, 4, 0.1, 2),
    ([1, 5, 1], 5, 10, 3, 0.01, 5),
]


@pytest.mark.parametrize("sizes,n_tasks,n_s,n_q,lr,steps", CASES,
                         ids=["mlp1-4tasks-1step", "mlp2-2tasks-3steps", "1task-2steps",
                              "5tasks-5steps"])
def test_matches_reference(submission, reference, sizes, n_tasks, n_s, n_q, lr, steps):
    params = make_mlp_params(sizes, seed=n_tasks * 10 + steps)
    tasks = make_sine_tasks(n_tasks, n_s, n_q, seed=n_tasks * 100 + steps)
    got_loss, got_grads = submission.fomaml_meta_gradient(params, tasks, lr, steps)
    want_loss, want_grads = reference.fomaml_meta_gradient(params, tasks, lr, steps)
    assert_close(got_loss, want_loss, name="meta-loss (query loss at the adapted params)")
    assert_close(got_grads, want_grads, name="first-order meta-gradient")


@pytest.mark.parametrize("steps", [1, 3])
def test_linear_regression_closed_form(submission, steps):
    tasks = make_linear_tasks(3, 6, 7, dim=3, seed=40 + steps)
    w = torch.tensor([[0.2, -0.4, 0.1]], dtype=torch.float64)
    b = torch.tensor([0.05], dtype=torch.float64)
    _, grads = submission.fomaml_meta_gradient([w, b], tasks, 0.1, steps)
    assert_close(grads, first_order_linear(w, b, tasks, 0.1, steps), rtol=1e-7, atol=1e-9,
                 name="meta-gradient vs the closed form mean_i grad L_q(phi_i) "
                      "(no second-order term)")


def test_equals_query_gradient_at_adapted_params(submission):
    params = make_mlp_params([1, 6, 1], seed=45, dtype=torch.float64)
    task = make_sine_tasks(1, 6, 6, seed=46, dtype=torch.float64)[0]
    fast = [p.clone().requires_grad_(True) for p in params]
    for _ in range(2):
        pred = torch.tanh(task["x_support"] @ fast[0].T + fast[1]) @ fast[2].T + fast[3]
        grads = torch.autograd.grad(((pred - task["y_support"]) ** 2).mean(), fast)
        fast = [(w - 0.3 * g).detach().requires_grad_(True) for w, g in zip(fast, grads)]
    pred = torch.tanh(task["x_query"] @ fast[0].T + fast[1]) @ fast[2].T + fast[3]
    expected = list(torch.autograd.grad(((pred - task["y_query"]) ** 2).mean(), fast))
    _, got = submission.fomaml_meta_gradient(params, [task], 0.3, 2)
    assert_close(got, expected, rtol=1e-8, atol=1e-10,
                 name="single-task result vs grad of the query loss at phi after 2 SGD steps")


def test_zero_inner_steps_is_plain_query_gradient(submission):
    params = make_mlp_params([1, 6, 1], seed=60)
    tasks = make_sine_tasks(3, 5, 5, seed=61)
    theta = [p.clone().requires_grad_(True) for p in params]
    loss = torch.stack([((torch.tanh(t["x_query"] @ theta[0].T + theta[1]) @ theta[2].T
                          + theta[3] - t["y_query"]) ** 2).mean() for t in tasks]).mean()
    expected = list(torch.autograd.grad(loss, theta))
    got_loss, got = submission.fomaml_meta_gradient(params, tasks, 0.3, 0)
    assert_close(got_loss, loss.detach(), name="meta-loss with inner_steps=0")
    assert_close(got, expected, name="meta-gradient with inner_steps=0 (no adaptation)")


def test_tasks_are_averaged_not_summed(submission):
    params = make_mlp_params([1, 6, 1], seed=70)
    task = make_sine_tasks(1, 5, 5, seed=71)
    one = submission.fomaml_meta_gradient(params, task, 0.1, 2)
    three = submission.fomaml_meta_gradient(params, task * 3, 0.1, 2)
    assert_close(three, one, name="meta-batch of the same task repeated 3 times vs once")


def test_task_order_does_not_matter(submission):
    params = make_mlp_params([1, 6, 1], seed=80)
    tasks = make_sine_tasks(3, 5, 5, seed=81)
    forward_order = submission.fomaml_meta_gradient(params, tasks, 0.1, 2)
    reverse_order = submission.fomaml_meta_gradient(params, tasks[::-1], 0.1, 2)
    assert_close(reverse_order, forward_order,
                 name="result with the tasks in reverse order (each task must start from theta)")


def test_float64(submission, reference):
    params = make_mlp_params([1, 7, 1], seed=90, dtype=torch.float64)
    tasks = make_sine_tasks(2, 6, 6, seed=91, dtype=torch.float64)
    got = submission.fomaml_meta_gradient(params, tasks, 0.05, 3)
    assert_close(got, reference.fomaml_meta_gradient(params, tasks, 0.05, 3), rtol=1e-9,
                 atol=1e-11, name="(meta_loss, meta_grads) in float64")
    assert all(g.dtype == torch.float64 for g in got[1]), "meta-gradients should stay float64"


def test_params_and_their_grad_untouched(submission):
    params = [p.requires_grad_(True) for p in make_mlp_params([1, 5, 1], seed=100)]
    tasks = make_sine_tasks(2, 4, 4, seed=101)

    def probe(m, params, tasks):
        m.fomaml_meta_gradient(params, tasks, 0.1, 2)
        return [p.grad is None for p in params]

    grad_none = run_unchanged(submission, probe, params, tasks,
                              name="params and task data after the call")
    expect(grad_none == [True] * len(params), "the .grad of the caller's params after the call",
           "a parameter passed in has a .grad after the call; it must stay None")
