"""Visible examples: read them, run them with `judge test reptile-update FILE`."""

import math

import torch

from judge.testing import assert_close, generator


def test_worked_example(submission):
    params = [torch.zeros(1, 1), torch.zeros(1)]
    tasks = [{"x": torch.tensor([[1.0]]), "y": torch.tensor([[2.0]])},
             {"x": torch.tensor([[-1.0]]), "y": torch.tensor([[1.0]])}]
    got = submission.reptile_update(params, tasks, 0.25, 2, 0.5)
    assert_close(got, [torch.tensor([[0.125]]), torch.tensor([0.375])],
                 name="new initialisation of the worked example")


def test_matches_reference_on_sine_tasks(submission, reference):
    g = generator(3)
    params = [torch.randn(8, 1, generator=g), torch.zeros(8),
              torch.randn(1, 8, generator=g) / math.sqrt(8), torch.zeros(1)]
    tasks = []
    for _ in range(3):
        x = torch.rand(10, 1, generator=g) * 6 - 3
        tasks.append({"x": x, "y": torch.sin(x + float(torch.rand((), generator=g)) * 3)})
    assert_close(submission.reptile_update(params, tasks, 0.02, 5, 0.3),
                 reference.reptile_update(params, tasks, 0.02, 5, 0.3),
                 name="new initialisation, 1-8-1 MLP, 3 tasks, 5 inner steps")
