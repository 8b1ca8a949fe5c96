"""Visible example: read it, run it with `judge test maml-debug FILE`."""

import torch

from judge.testing import assert_close


def test_one_step_on_a_one_dimensional_linear_model(submission):
    # theta = (w, b) = (0, 0); support point (1, 2); query point (2, 1); alpha = 0.25.
    # phi = (1, 1); MAML gradient = (I - alpha*H) (8, 4) = (2, -2); with outer_lr 0.1 the new
    # theta is (-0.2, 0.2). The meta-loss before the step is the query loss at phi: 4.
    params = [torch.zeros(1, 1), torch.zeros(1)]
    task = {"x_support": torch.tensor([[1.0]]), "y_support": torch.tensor([[2.0]]),
            "x_query": torch.tensor([[2.0]]), "y_query": torch.tensor([[1.0]])}
    out = submission.maml_train(params, [[task]], 0.25, 1, 0.1)
    assert_close(out["meta_losses"], [4.0], name="meta-loss of the single outer step")
    assert_close(out["params"], [torch.tensor([[-0.2]]), torch.tensor([0.2])],
                 name="theta after one outer step (first-order MAML would give (-0.8, -0.4))")


def test_two_outer_steps_match_reference(submission, reference):
    g = torch.Generator().manual_seed(0)
    params = [torch.randn(6, 1, generator=g), torch.zeros(6), torch.randn(1, 6, generator=g) / 3,
              torch.zeros(1)]
    batches = []
    for _ in range(2):
        batch = []
        for _ in range(2):
            xs, xq = torch.rand(5, 1, generator=g) * 6 - 3, torch.rand(5, 1, generator=g) * 6 - 3
            phase = float(torch.rand((), generator=g)) * 3
            batch.append({"x_support": xs, "y_support": torch.sin(xs + phase),
                          "x_query": xq, "y_query": torch.sin(xq + phase)})
        batches.append(batch)
    assert_close(submission.maml_train(params, batches, 0.1, 2, 0.05),
                 reference.maml_train(params, batches, 0.1, 2, 0.05),
                 name="params and meta-losses after two outer steps")
