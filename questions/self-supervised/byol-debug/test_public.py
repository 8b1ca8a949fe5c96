"""Visible examples: read them, run them with `judge test byol-debug FILE`."""

import torch

from judge.testing import assert_close, randn


def test_regression_loss_example(submission):
    p = torch.tensor([[1.0, 0.0], [2.0, 2.0], [3.0, 0.0]])
    z = torch.tensor([[0.0, 5.0], [1.0, 1.0], [-1.0, 0.0]])
    assert_close(submission.regression_loss(p, z), torch.tensor([2.0, 0.0, 4.0]),
                 name="per-sample loss: orthogonal, aligned, opposite")


def test_one_step_matches_reference(submission, reference):
    x1, x2 = randn(8, 64, seed=1), randn(8, 64, seed=2)

    def probe(m):
        torch.manual_seed(0)
        model = m.BYOL()
        opt = torch.optim.SGD(model.online_parameters(), lr=0.5)
        losses = [m.byol_step(model, x1, x2, opt, 0.9) for _ in range(2)]
        return {"losses": losses, "predictor": [p.detach().clone() for p in model.predictor.parameters()]}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["losses"], want["losses"], name="losses of two steps")
    assert_close(got["predictor"], want["predictor"], name="predictor parameters after two steps")
