"""Hidden tests for relation-network-scores: scores and loss via probes that build the module."""

import pytest
import torch

from judge.testing import assert_close, generator, make_episode, make_labels, randn, run_unchanged


def shuffled_episode(n_way, k_shot, n_query, dim, seed, dtype=torch.float32):
    """(support, support_labels, query, query_labels) with the support rows in a random order."""
    ep = make_episode(n_way, k_shot, n_query, dim, seed=seed, spread=1.0)
    perm = torch.randperm(n_way * k_shot, generator=generator(seed + 1000))
    return (ep["support"][perm].to(dtype), ep["support_labels"][perm], ep["query"].to(dtype),
            ep["query_labels"])


def scores_probe(n_way, k_shot, n_query, dim, hidden, seed, dtype=torch.float32):
    """A probe returning the relation scores of a seeded module on a seeded episode."""
    def probe(m):
        torch.manual_seed(seed)
        g = m.RelationModule(dim, hidden).to(dtype)
        s, sl, q, _ = shuffled_episode(n_way, k_shot, n_query, dim, seed, dtype)
        return m.relation_scores(s, sl, q, n_way, g).detach()
    return probe


CASES = [  # n_way, k_shot, n_query, dim, hidden
    (5, 1, 3, 8, 16),
    (5, 5, 2, 6, 8),
    (3, 2, 4, 4, 8),
    (10, 3, 1, 16, 32),
]


@pytest.mark.parametrize("n_way,k_shot,n_query,dim,hidden", CASES,
                         ids=["5way-1shot", "5way-5shot", "3way-2shot", "10way-3shot"])
def test_scores_match_reference(submission, reference, n_way, k_shot, n_query, dim, hidden):
    probe = scores_probe(n_way, k_shot, n_query, dim, hidden, seed=n_way * 10 + k_shot)
    assert_close(submission.run(probe), reference.run(probe),
                 name="relation scores (rows: queries, columns: classes)")


def test_scores_have_shape_queries_by_classes(submission):
    out = submission.run(scores_probe(3, 2, 5, 4, 8, seed=1))
    assert isinstance(out, torch.Tensor) and tuple(out.shape) == (15, 3), (
        f"expected scores of shape (n_queries, n_way) = (15, 3), got {getattr(out, 'shape', out)}")


def test_k_shot_class_feature_is_a_sum(submission):
    def probe(m):
        g = m.RelationModule(2, 2)
        with torch.no_grad():                 # score = sigmoid(first coordinate of the class feature)
            g.fc1.weight.copy_(torch.tensor([[1.0, 0.0, 0.0, 0.0], [-1.0, 0.0, 0.0, 0.0]]))
            g.fc1.bias.zero_()
            g.fc2.weight.copy_(torch.tensor([[1.0, -1.0]]))
            g.fc2.bias.zero_()
        support = torch.tensor([[0.5, 1.0], [1.0, -2.0], [0.25, 3.0], [-1.0, 0.0]])
        support_labels = torch.tensor([0, 1, 0, 1])
        return m.relation_scores(support, support_labels, torch.tensor([[9.0, 9.0]]), 2, g).detach()

    want = torch.sigmoid(torch.tensor([[0.75, 0.0]]))
    assert_close(submission.run(probe), want,
                 name="scores of a module that reads only the class feature (2-shot classes)")


def test_class_feature_comes_first_in_the_pair(submission):
    def probe(m):
        g = m.RelationModule(1, 1)
        with torch.no_grad():                 # score = sigmoid(relu(class - 2 * query))
            g.fc1.weight.copy_(torch.tensor([[1.0, -2.0]]))
            g.fc1.bias.zero_()
            g.fc2.weight.copy_(torch.tensor([[1.0]]))
            g.fc2.bias.zero_()
        support = torch.tensor([[3.0], [1.0]])
        return m.relation_scores(support, torch.tensor([0, 1]), torch.tensor([[0.5]]), 2, g).detach()

    want = torch.sigmoid(torch.tensor([[2.0, 0.0]]))
    assert_close(submission.run(probe), want,
                 name="scores of an asymmetric relation module")


def test_invariant_to_permuting_the_support_set(submission):
    def probe(m):
        torch.manual_seed(3)
        g = m.RelationModule(6, 8)
        s, sl, q, _ = shuffled_episode(4, 3, 2, 6, seed=3)
        perm = torch.randperm(s.shape[0], generator=generator(4))
        a = m.relation_scores(s, sl, q, 4, g).detach()
        b = m.relation_scores(s[perm], sl[perm], q, 4, g).detach()
        return a, b

    a, b = submission.run(probe)
    assert_close(b, a, name="scores after shuffling the support rows with their labels")


def test_loss_matches_reference(submission, reference):
    scores = torch.rand(7, 4, generator=generator(5))
    labels = make_labels(7, 4, seed=6)
    assert_close(submission.relation_loss(scores, labels), reference.relation_loss(scores, labels),
                 name="loss on given scores")


def test_loss_of_uninformative_scores(submission):
    got = submission.relation_loss(torch.full((6, 5), 0.5), make_labels(6, 5, seed=7))
    assert_close(got, torch.tensor(7.5),
                 name="loss when every score is 0.5 (6 queries, 5 classes)")


def test_loss_is_zero_for_perfect_scores(submission):
    labels = make_labels(5, 3, seed=8)
    perfect = torch.nn.functional.one_hot(labels, 3).float()
    got = submission.relation_loss(perfect, labels)
    assert_close(got, torch.tensor(0.0), atol=1e-7,
                 name="loss when scores equal the one-hot targets (squared error must be 0)")
    assert isinstance(got, torch.Tensor) and got.shape == (), "the loss must be a scalar tensor"


def test_gradients_reach_module_support_and_query(submission, reference):
    def probe(m):
        torch.manual_seed(9)
        g = m.RelationModule(5, 8)
        s, sl, q, ql = shuffled_episode(3, 2, 2, 5, seed=9)
        s.requires_grad_(True)
        q.requires_grad_(True)
        m.relation_loss(m.relation_scores(s, sl, q, 3, g), ql).backward()
        zeros = torch.zeros_like
        return {"fc1.weight": g.fc1.weight.grad if g.fc1.weight.grad is not None else zeros(g.fc1.weight),
                "fc2.bias": g.fc2.bias.grad if g.fc2.bias.grad is not None else zeros(g.fc2.bias),
                "support": s.grad if s.grad is not None else zeros(s),
                "query": q.grad if q.grad is not None else zeros(q)}

    got, want = submission.run(probe), reference.run(probe)
    for key in ("fc1.weight", "fc2.bias", "support", "query"):
        assert_close(got[key], want[key], name=f"gradient of the loss on {key}")


def test_float64(submission, reference):
    probe = scores_probe(4, 2, 2, 6, 8, seed=10, dtype=torch.float64)
    assert_close(submission.run(probe), reference.run(probe), rtol=1e-9, atol=1e-10,
                 name="scores with float64 features and module")


def test_one_way_one_query(submission, reference):
    probe = scores_probe(1, 3, 1, 4, 8, seed=11)
    assert_close(submission.run(probe), reference.run(probe), name="scores of a 1-way, 1-query episode")


def test_inputs_are_not_modified(submission):
    args = shuffled_episode(3, 2, 2, 4, seed=12)

    def probe(m, args):
        torch.manual_seed(12)
        g = m.RelationModule(4, 8)
        s, sl, q, ql = args
        m.relation_loss(m.relation_scores(s, sl, q, 3, g), ql)

    run_unchanged(submission, probe, args, name="inputs after the call")
