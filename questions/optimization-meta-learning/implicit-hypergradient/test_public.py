"""Visible examples: read them, run them with `judge test implicit-hypergradient FILE`."""

import torch

from judge.testing import assert_close

PHI = [torch.tensor([[1.0]]), torch.tensor([1.0])]
TASK = {"x_support": torch.tensor([[1.0]]), "y_support": torch.tensor([[2.0]]),
        "x_query": torch.tensor([[2.0]]), "y_query": torch.tensor([[1.0]])}


def test_worked_example_exact_after_two_iterations(submission):
    got = submission.imaml_meta_gradient(PHI, TASK, 2.0, 2)
    assert_close(got, [torch.tensor([[4.0]]), torch.tensor([0.0])], atol=1e-5,
                 name="CG solution of (I + H/lambda) v = g after 2 iterations")


def test_worked_example_one_iteration(submission):
    got = submission.imaml_meta_gradient(PHI, TASK, 2.0, 1)
    assert_close(got, [torch.tensor([[20.0 / 7.0]]), torch.tensor([10.0 / 7.0])], atol=1e-5,
                 name="first CG iterate x_1 = (<b,b>/<b,Ab>) b")
