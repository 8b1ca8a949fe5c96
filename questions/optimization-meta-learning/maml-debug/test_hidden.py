"""Hidden tests for maml-debug: judged on data only (parameters and losses after training)."""

import math

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


def make_batches(n_batches, n_tasks, seed, dtype=torch.float32):
    return [make_sine_tasks(n_tasks, 5, 6, seed=seed + i, dtype=dtype) for i in range(n_batches)]


def linear_tasks(n_tasks, seed):
    g = generator(seed)
    tasks = []
    for _ in range(n_tasks):
        w_true = torch.randn(1, 2, generator=g, dtype=torch.float64)
        xs = torch.randn(5, 2, generator=g, dtype=torch.float64)
        xq = torch.randn(6, 2, generator=g, dtype=torch.float64)
        tasks.append({"x_support": xs, "y_support": xs @ w_true.T - 0.5,
                      "x_query": xq, "y_query": xq @ w_true.T - 0.5})
    return tasks


def closed_form_linear_training(theta, batches, alpha, beta):
    """Independent MAML-SGD on linear regression, theta = (w1, w2, b): one inner step."""
    for tasks in batches:
        total = torch.zeros_like(theta)
        for t in tasks:
            xs = torch.cat([t["x_support"], torch.ones(len(t["x_support"]), 1, dtype=theta.dtype)], 1)
            xq = torch.cat([t["x_query"], torch.ones(len(t["x_query"]), 1, dtype=theta.dtype)], 1)
            ys, yq = t["y_support"].reshape(-1), t["y_query"].reshape(-1)
            phi = theta - alpha * 2.0 / len(xs) * xs.T @ (xs @ theta - ys)
            g = 2.0 / len(xq) * xq.T @ (xq @ phi - yq)
            total = total + g - alpha * (2.0 / len(xs) * xs.T @ xs) @ g
        theta = theta - beta * total / len(tasks)
    return theta


def test_one_outer_step_matches_reference(submission, reference):
    params = make_mlp_params([1, 8, 1], seed=1)
    batches = make_batches(1, 3, seed=2)
    assert_close(submission.maml_train(params, batches, 0.05, 2, 0.1),
                 reference.maml_train(params, batches, 0.05, 2, 0.1),
                 name="params and meta-losses after one outer step")


def test_several_outer_steps_match_reference(submission, reference):
    params = make_mlp_params([1, 8, 1], seed=3)
    batches = make_batches(4, 2, seed=4)
    got = submission.maml_train(params, batches, 0.05, 1, 0.05)
    want = reference.maml_train(params, batches, 0.05, 1, 0.05)
    assert_close(got["meta_losses"], want["meta_losses"], rtol=1e-4, atol=1e-5,
                 name="meta-loss at each of 4 outer steps")
    assert_close(got["params"], want["params"], name="params after 4 outer steps")


def test_linear_regression_closed_form(submission):
    theta = torch.tensor([0.3, -0.2, 0.1], dtype=torch.float64)
    batches = [linear_tasks(2, seed=10), linear_tasks(3, seed=11), linear_tasks(2, seed=12)]
    out = submission.maml_train([theta[:2].reshape(1, 2), theta[2:]], batches, 0.1, 1, 0.2)
    expected = closed_form_linear_training(theta, batches, 0.1, 0.2)
    got = torch.cat([out["params"][0].reshape(-1), out["params"][1].reshape(-1)])
    assert_close(got, expected, rtol=1e-7, atol=1e-9,
                 name="linear-regression theta after 3 outer steps vs the closed-form MAML update")


def test_zero_outer_lr_leaves_meta_params_unchanged(submission):
    params = make_mlp_params([1, 6, 1], seed=20)
    out = submission.maml_train(params, make_batches(2, 3, seed=21), 0.1, 3, 0.0)
    assert_close(out["params"], params, atol=0.0, rtol=0.0,
                 name="meta-parameters with outer_lr=0 (only the outer step may move them)")


def test_first_meta_loss_is_evaluated_from_the_initial_params(submission, reference):
    params = make_mlp_params([1, 6, 1], seed=30)
    batches = make_batches(1, 4, seed=31)
    got = submission.maml_train(params, batches, 0.1, 2, 0.05)["meta_losses"]
    want = reference.maml_train(params, batches, 0.1, 2, 0.05)["meta_losses"]
    assert_close(got, want, name="meta-loss of the first step (every task adapts from theta)")


def test_repeated_task_equals_single_task(submission):
    params = make_mlp_params([1, 6, 1], seed=40)
    task = make_sine_tasks(1, 5, 5, seed=41)
    once = submission.maml_train(params, [task, task], 0.1, 1, 0.1)
    thrice = submission.maml_train(params, [task * 3, task * 3], 0.1, 1, 0.1)
    assert_close(thrice, once, name="a meta-batch of one task repeated 3 times vs the task once")


def test_task_order_within_a_batch_does_not_matter(submission):
    params = make_mlp_params([1, 6, 1], seed=50)
    tasks = make_sine_tasks(3, 5, 5, seed=51)
    a = submission.maml_train(params, [tasks], 0.1, 2, 0.1)
    b = submission.maml_train(params, [tasks[::-1]], 0.1, 2, 0.1)
    assert_close(b, a, name="result with the tasks of the meta-batch reversed")


def test_same_batch_twice_uses_fresh_gradients(submission, reference):
    params = make_mlp_params([1, 6, 1], seed=60)
    batch = make_sine_tasks(2, 5, 5, seed=61)
    got = submission.maml_train(params, [batch, batch, batch], 0.05, 1, 0.1)
    want = reference.maml_train(params, [batch, batch, batch], 0.05, 1, 0.1)
    assert_close(got["params"], want["params"],
                 name="params after 3 outer steps on the same meta-batch")


def test_float64(submission, reference):
    params = make_mlp_params([1, 5, 5, 1], seed=70, dtype=torch.float64)
    batches = make_batches(2, 2, seed=71, dtype=torch.float64)
    got = submission.maml_train(params, batches, 0.05, 2, 0.1)
    assert_close(got, reference.maml_train(params, batches, 0.05, 2, 0.1), rtol=1e-9,
                 atol=1e-11, name="training result in float64")
    assert all(p.dtype == torch.float64 for p in got["params"]), "params should stay float64"


def test_inputs_are_not_modified(submission):
    params = make_mlp_params([1, 5, 1], seed=80)
    batches = make_batches(2, 2, seed=81)

    def probe(m, params, batches):
        m.maml_train(params, batches, 0.1, 2, 0.1)

    run_unchanged(submission, probe, params, batches, name="the caller's params and tasks after training")


def test_params_that_require_grad(submission, reference):
    params = [p.requires_grad_(True) for p in make_mlp_params([1, 5, 1], seed=90)]
    batches = make_batches(2, 2, seed=91)

    def probe(m, params, batches):
        out = m.maml_train(params, batches, 0.1, 2, 0.1)
        return out, [p.grad is None for p in params]

    got, grad_none = run_unchanged(
        submission, probe, params, batches,
        name="the caller's params (requiring grad) and tasks after training")
    assert_close(got, reference.maml_train(params, batches, 0.1, 2, 0.1),
                 name="training result when the params passed in require grad")
    expect(grad_none == [True] * len(params), "the .grad of the caller's params after training",
           "a parameter passed in has a .grad after the call; it must stay None")
