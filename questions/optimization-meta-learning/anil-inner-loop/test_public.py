"""Visible examples: read them, run them with `judge test anil-inner-loop FILE`."""

import math

import torch

from judge.testing import assert_close, generator


def small_problem(seed):
    g = generator(seed)
    params = {"body": [torch.randn(6, 1, generator=g), 0.1 * torch.randn(6, generator=g)],
              "head": [torch.randn(1, 6, generator=g) / math.sqrt(6), torch.zeros(1)]}
    tasks = []
    for _ in range(2):
        xs, xq = torch.rand(5, 1, generator=g) * 6 - 3, torch.rand(5, 1, generator=g) * 6 - 3
        phase = float(torch.rand((), generator=g)) * 3
        tasks.append({"x_support": xs, "y_support": torch.sin(xs + phase),
                      "x_query": xq, "y_query": torch.sin(xq + phase)})
    return params, tasks


def test_worked_example(submission):
    params = {"body": [torch.ones(2, 1), torch.tensor([math.atanh(0.5), 0.0])],
              "head": [torch.zeros(1, 2), torch.zeros(1)]}
    out = submission.anil_adapt(params, torch.tensor([[0.0]]), torch.tensor([[1.0]]), 0.5, 1)
    assert_close(out["head"], [torch.tensor([[0.5, 0.0]]), torch.tensor([1.0])],
                 name="adapted head of the worked example")
    assert_close(out["body"], params["body"], atol=0.0, rtol=0.0, name="body after the inner loop")


def test_meta_gradient_matches_reference(submission, reference):
    params, tasks = small_problem(1)
    assert_close(submission.anil_meta_gradient(params, tasks, 0.1, 2),
                 reference.anil_meta_gradient(params, tasks, 0.1, 2),
                 name="(meta_loss, {body, head} gradients)")
