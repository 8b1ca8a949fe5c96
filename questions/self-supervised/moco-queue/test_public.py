"""Visible examples: read them, run them with `judge test moco-queue FILE`."""

import math

import torch

from judge.testing import assert_close


def test_worked_example_loss(submission):
    q = torch.tensor([[1.0, 0.0]])
    k = torch.tensor([[0.6, 0.8]])
    queue = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    loss, logits = submission.moco_loss(q, k, queue, temperature=0.5)
    assert_close(logits, torch.tensor([[1.2, 2.0, 0.0, -2.0]]), name="logits [l_pos, l_neg] / tau")
    expected = math.log(math.exp(1.2) + math.exp(2.0) + 1.0 + math.exp(-2.0)) - 1.2  # 1.271864
    assert_close(loss, torch.tensor(expected), atol=1e-5, name="worked example loss")


def test_worked_example_enqueue(submission):
    new_queue, new_ptr = submission.enqueue(torch.zeros(5, 2), 4,
                                            torch.tensor([[1.0, 1.0], [2.0, 2.0]]))
    expected = torch.tensor([[2.0, 2.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
    assert_close(new_queue, expected, name="queue after enqueueing 2 keys at ptr=4 of K=5")
    assert new_ptr == 1, f"new pointer: got {new_ptr!r}, expected 1"


def test_worked_example_momentum(submission):
    out = submission.momentum_update([torch.tensor([1.0, 1.0])], [torch.tensor([3.0, -1.0])], 0.75)
    assert_close(out, [torch.tensor([1.5, 0.5])], name="momentum update with m=0.75")
