"""Visible examples: read them, run them with `judge test relation-network-scores FILE`."""

import torch

from judge.testing import assert_close, make_episode


def test_worked_example(submission):
    def probe(m):
        g = m.RelationModule(1, 1)
        with torch.no_grad():                  # g(c, q) = sigmoid(relu(c - q))
            g.fc1.weight.copy_(torch.tensor([[1.0, -1.0]]))
            g.fc1.bias.zero_()
            g.fc2.weight.copy_(torch.tensor([[1.0]]))
            g.fc2.bias.zero_()
        support = torch.tensor([[1.0], [2.0], [0.5]])
        support_labels = torch.tensor([0, 0, 1])
        query = torch.tensor([[1.0]])
        scores = m.relation_scores(support, support_labels, query, 2, g)
        return scores.detach(), m.relation_loss(scores, torch.tensor([0])).detach()

    scores, loss = submission.run(probe)
    # c_0 = 1 + 2 = 3, c_1 = 0.5: scores [sigmoid(2), sigmoid(0)]
    assert_close(scores, torch.tensor([[0.880797, 0.5]]), atol=1e-5, name="worked example scores")
    assert_close(loss, torch.tensor(0.264209), atol=1e-5, name="worked example loss")


def test_matches_reference_on_a_5way_2shot_episode(submission, reference):
    def probe(m):
        torch.manual_seed(0)
        g = m.RelationModule(8, 16)
        ep = make_episode(5, 2, 3, 8, seed=1)
        scores = m.relation_scores(ep["support"], ep["support_labels"], ep["query"], 5, g)
        return scores.detach()

    assert_close(submission.run(probe), reference.run(probe), name="relation scores")
