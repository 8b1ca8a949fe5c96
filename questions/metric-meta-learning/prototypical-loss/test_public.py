"""Visible examples: read them, run them with `judge test prototypical-loss FILE`."""

import torch

from judge.testing import assert_close, make_episode


def test_worked_example(submission):
    support = torch.tensor([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0]])
    support_labels = torch.tensor([0, 0, 1])
    query = torch.tensor([[1.0, 1.0], [0.0, 3.0]])
    query_labels = torch.tensor([1, 1])
    loss, acc = submission.prototypical_loss(support, support_labels, query, query_labels, 2)
    assert_close(loss, torch.tensor(0.656693), atol=1e-5, name="worked example loss")
    assert_close(acc, torch.tensor(0.5), name="worked example accuracy")


def test_matches_reference_on_a_5way_2shot_episode(submission, reference):
    ep = make_episode(5, 2, 3, 16, seed=1)
    args = (ep["support"], ep["support_labels"], ep["query"], ep["query_labels"], 5)
    assert_close(submission.prototypical_loss(*args), reference.prototypical_loss(*args),
                 name="(loss, accuracy)")
