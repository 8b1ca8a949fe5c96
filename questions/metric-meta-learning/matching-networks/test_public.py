"""Visible examples: read them, run them with `judge test matching-networks FILE`."""

import torch

from judge.testing import assert_close, make_episode


def test_worked_example(submission):
    support = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 2.0]])
    support_labels = torch.tensor([0, 1, 1])
    query = torch.tensor([[3.0, 0.0]])
    got = submission.matching_log_probs(support, support_labels, query, 2)
    # cosines [1, 0, 0] -> attention [e, 1, 1] / (e + 2) -> P = [0.576117, 0.423883]
    assert_close(got, torch.tensor([[-0.551445, -0.858298]]), atol=1e-5,
                 name="worked example log-probabilities")


def test_matches_reference_on_a_5way_2shot_episode(submission, reference):
    ep = make_episode(5, 2, 3, 16, seed=1)
    args = (ep["support"], ep["support_labels"], ep["query"], 5)
    assert_close(submission.matching_log_probs(*args), reference.matching_log_probs(*args),
                 name="log-probabilities")
