"""Visible examples: read them, run them with `judge test episode-sampler FILE`."""

import torch

from judge.testing import generator

LABELS = [3, 3, 3, 8, 8, 8, 8, 1, 1, 1, 5]      # class 5 has a single example


def test_worked_example_properties(submission):
    def probe(m):
        return m.sample_episode(torch.tensor(LABELS), 2, 1, 2, generator(0))

    labels = torch.tensor(LABELS)
    ep = submission.run(probe)
    classes = ep["classes"]
    assert classes.shape == (2,) and torch.unique(classes).numel() == 2, "2 distinct classes"
    assert set(classes.tolist()) <= {1, 3, 8}, "class 5 has too few examples to be chosen"
    assert ep["support_idx"].shape == (2,) and ep["query_idx"].shape == (4,), "K=1, Q=2 per class"
    assert not set(ep["support_idx"].tolist()) & set(ep["query_idx"].tolist()), "no overlap"
    assert torch.equal(labels[ep["support_idx"]], classes[ep["support_labels"]]), "relabelling"
    assert torch.equal(labels[ep["query_idx"]], classes[ep["query_labels"]]), "relabelling"


def test_too_few_eligible_classes_raise_value_error(submission):
    def probe(m):
        try:
            m.sample_episode(torch.tensor(LABELS), 4, 1, 2, generator(0))
        except Exception as exc:
            return type(exc).__name__
        return "no error"

    assert submission.run(probe) == "ValueError", "only 3 classes have 3 examples: 4-way must fail"
