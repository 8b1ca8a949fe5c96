"""Visible examples for ewc-penalty: run them with `judge test ewc-penalty FILE`."""

import torch

from judge.testing import assert_close


def test_worked_example(submission):
    def probe(m):
        model = torch.nn.Linear(2, 2, bias=False)
        with torch.no_grad():
            model.weight.zero_()
        fisher = m.fisher_diagonal(model, torch.tensor([[1.0, 2.0]]), torch.tensor([0]))
        with torch.no_grad():
            model.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, -1.0]]))
        penalty = m.ewc_penalty(model, fisher, {"weight": torch.zeros(2, 2)}, 4.0)
        return {"fisher": fisher, "penalty": penalty.detach()}

    got = submission.run(probe)
    assert_close(got["fisher"], {"weight": torch.tensor([[0.25, 1.0], [0.25, 1.0]])},
                 name="Fisher diagonal of the worked example")
    assert_close(got["penalty"], torch.tensor(2.5), name="EWC penalty of the worked example")
