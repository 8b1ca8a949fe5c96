"""Visible examples: read them, run them with `judge test fomaml FILE`."""

import math

import torch

from judge.testing import assert_close, generator


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


def test_worked_example(submission):
    params = [torch.zeros(1, 1), torch.zeros(1)]
    task = {"x_support": torch.tensor([[1.0]]), "y_support": torch.tensor([[2.0]]),
            "x_query": torch.tensor([[2.0]]), "y_query": torch.tensor([[1.0]])}
    loss, grads = submission.fomaml_meta_gradient(params, [task], 0.25, 1)
    assert_close(loss, torch.tensor(4.0), name="meta-loss of the worked example")
    assert_close(grads, [torch.tensor([[8.0]]), torch.tensor([4.0])],
                 name="meta-gradient of the worked example (second-order MAML gives (2, -2))")


def test_matches_reference_on_sine_tasks(submission, reference):
    params = make_mlp_params([1, 8, 1], seed=1)
    tasks = make_sine_tasks(3, 5, 6, seed=2)
    assert_close(submission.fomaml_meta_gradient(params, tasks, 0.05, 2),
                 reference.fomaml_meta_gradient(params, tasks, 0.05, 2),
                 name="(meta_loss, meta_grads) on a 1-8-1 MLP, 3 tasks, 2 inner steps")
