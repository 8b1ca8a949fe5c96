"""Visible examples for bert-masking."""

import torch

from judge.testing import generator

IDS = torch.tensor([[101, 7592, 2088, 2003, 102, 0, 0]])
SPECIAL = torch.tensor([[True, False, False, False, True, True, True]])


def test_everything_chosen_at_probability_one(submission):
    def probe(m):
        return m.mask_tokens(IDS, SPECIAL, 103, 30522, generator(0), mlm_probability=1.0)

    corrupted, labels = submission.run(probe)
    assert labels.tolist() == [[-100, 7592, 2088, 2003, -100, -100, -100]], (
        f"with mlm_probability=1 every non-special token is chosen; got labels {labels.tolist()}")
    assert corrupted[0, [0, 4, 5, 6]].tolist() == [101, 102, 0, 0], (
        "special and padding tokens must never change")


def test_nothing_chosen_at_probability_zero(submission):
    def probe(m):
        return m.mask_tokens(IDS, SPECIAL, 103, 30522, generator(1), mlm_probability=0.0)

    corrupted, labels = submission.run(probe)
    assert torch.equal(corrupted, IDS) and (labels == -100).all(), (
        "with mlm_probability=0 the ids are unchanged and every label is -100")
