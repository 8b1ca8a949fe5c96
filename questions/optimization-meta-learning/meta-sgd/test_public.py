"""Visible examples: read them, run them with `judge test meta-sgd FILE`."""

import math

import torch

from judge.testing import assert_close, generator


def test_worked_example(submission):
    params = [torch.zeros(1, 1), torch.zeros(1)]
    alphas = [torch.tensor([[0.25]]), torch.tensor([0.5])]
    task = {"x_support": torch.tensor([[1.0]]), "y_support": torch.tensor([[2.0]]),
            "x_query": torch.tensor([[2.0]]), "y_query": torch.tensor([[1.0]])}
    loss, g_theta, g_alpha = submission.meta_sgd_meta_gradient(params, alphas, [task])
    assert_close(loss, torch.tensor(9.0), name="meta-loss of the worked example")
    assert_close(g_alpha, [torch.tensor([[48.0]]), torch.tensor([24.0])],
                 name="gradient with respect to alpha")
    assert_close(g_theta, [torch.tensor([[0.0]]), torch.tensor([-6.0])],
                 name="gradient with respect to theta (second order)")


def test_matches_reference_on_sine_tasks(submission, reference):
    g = generator(5)
    params = [torch.randn(8, 1, generator=g), torch.zeros(8),
              torch.randn(1, 8, generator=g) / math.sqrt(8), torch.zeros(1)]
    alphas = [0.05 + 0.02 * torch.randn(p.shape, generator=g) for p in params]
    tasks = []
    for _ in range(3):
        xs, xq = torch.rand(5, 1, generator=g) * 6 - 3, torch.rand(5, 1, generator=g) * 6 - 3
        phase = float(torch.rand((), generator=g)) * 3
        tasks.append({"x_support": xs, "y_support": torch.sin(xs + phase),
                      "x_query": xq, "y_query": torch.sin(xq + phase)})
    assert_close(submission.meta_sgd_meta_gradient(params, alphas, tasks),
                 reference.meta_sgd_meta_gradient(params, alphas, tasks),
                 name="(meta_loss, grad_theta, grad_alpha)")
