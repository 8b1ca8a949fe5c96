"""Hidden tests for prototypical-loss: differential checks, invariances, gradients, edge cases."""

import pytest
import torch

from judge.testing import assert_close, generator, make_episode, run_unchanged


def shuffled_episode(n_way, k_shot, n_query, dim, seed, spread=2.0, scale=1.0,
                     dtype=torch.float32):
    """A make_episode episode whose support and query rows are in a random order."""
    ep = make_episode(n_way, k_shot, n_query, dim, seed=seed, spread=spread)
    g = generator(seed + 1000)
    ps = torch.randperm(n_way * k_shot, generator=g)
    pq = torch.randperm(n_way * n_query, generator=g)
    return ((ep["support"][ps] * scale).to(dtype), ep["support_labels"][ps],
            (ep["query"][pq] * scale).to(dtype), ep["query_labels"][pq], n_way)


CASES = [  # n_way, k_shot, n_query, dim, spread
    (5, 1, 3, 16, 1.0),
    (5, 5, 4, 8, 0.5),
    (3, 2, 6, 4, 1.0),
    (20, 1, 1, 32, 0.3),
]


@pytest.mark.parametrize("n_way,k_shot,n_query,dim,spread", CASES,
                         ids=["5way-1shot", "5way-5shot", "3way-2shot", "20way-1shot-1query"])
def test_matches_reference_on_shuffled_episodes(submission, reference, n_way, k_shot, n_query,
                                                dim, spread):
    args = shuffled_episode(n_way, k_shot, n_query, dim, seed=n_way * 10 + k_shot, spread=spread)
    got = submission.prototypical_loss(*args)
    want = reference.prototypical_loss(*args)
    assert_close(got[0], want[0], name="loss on an episode with rows in random order")
    assert_close(got[1], want[1], name="accuracy on an episode with rows in random order")


def test_returns_scalar_loss_and_accuracy(submission):
    out = submission.prototypical_loss(*shuffled_episode(3, 2, 2, 4, seed=3))
    assert isinstance(out, (tuple, list)) and len(out) == 2, "expected a tuple (loss, accuracy)"
    for what, value in zip(("loss", "accuracy"), out):
        assert isinstance(value, torch.Tensor) and value.shape == (), (
            f"{what}: expected a scalar tensor of shape (), got "
            f"{getattr(value, 'shape', type(value).__name__)}")


def test_invariant_to_permuting_the_support_set(submission):
    s, sl, q, ql, n = shuffled_episode(4, 3, 3, 8, seed=5, spread=0.7)
    perm = torch.randperm(s.shape[0], generator=generator(6))
    a = submission.prototypical_loss(s, sl, q, ql, n)
    b = submission.prototypical_loss(s[perm], sl[perm], q, ql, n)
    assert_close(b[0], a[0], name="loss after shuffling the support rows (with their labels)")


def test_invariant_to_renaming_classes_consistently(submission):
    s, sl, q, ql, n = shuffled_episode(5, 2, 2, 6, seed=7, spread=0.7)
    pi = torch.randperm(n, generator=generator(8))
    a = submission.prototypical_loss(s, sl, q, ql, n)
    b = submission.prototypical_loss(s, pi[sl], q, pi[ql], n)
    assert_close(b[0], a[0], name="loss after renaming class k to pi(k) in support and query")
    assert_close(b[1], a[1], name="accuracy after renaming the classes")


def test_unequal_shots_per_class(submission, reference):
    g = generator(9)
    support = torch.randn(7, 5, generator=g)
    support_labels = torch.tensor([2, 0, 2, 1, 2, 0, 2])      # 2, 1 and 4 shots
    query = torch.randn(6, 5, generator=g)
    query_labels = torch.tensor([0, 1, 2, 2, 1, 0])
    args = (support, support_labels, query, query_labels, 3)
    assert_close(submission.prototypical_loss(*args)[0], reference.prototypical_loss(*args)[0],
                 name="loss when classes have different numbers of support examples")


def test_distance_is_squared_euclidean(submission):
    support = torch.tensor([[0.0, 0.0], [2.0, 1.0]])
    support_labels = torch.tensor([0, 1])
    query = torch.tensor([[1.0, 0.0]])
    query_labels = torch.tensor([0])
    # squared distances 1 and 2, so logits -1 and -2
    expected = torch.log1p(torch.exp(torch.tensor(-1.0)))
    loss, _ = submission.prototypical_loss(support, support_labels, query, query_labels, 2)
    assert_close(loss, expected, name="loss of a 2-way 1-shot episode with distances 1 and sqrt(2)")


def test_loss_is_averaged_over_queries(submission, reference):
    args = shuffled_episode(3, 1, 12, 4, seed=11, spread=0.3)
    assert_close(submission.prototypical_loss(*args)[0], reference.prototypical_loss(*args)[0],
                 name="loss with 36 queries (reduction over queries)")


def test_large_embeddings_stay_finite(submission, reference):
    args = shuffled_episode(5, 2, 3, 8, seed=13, spread=1.0, scale=60.0)
    got, want = submission.prototypical_loss(*args), reference.prototypical_loss(*args)
    assert bool(torch.isfinite(torch.as_tensor(got[0]))), (
        "loss is not finite for embeddings of size ~100 (avoid log of a softmax)")
    assert_close(got[0], want[0], rtol=1e-3, atol=1e-3,
                 name="loss for embeddings of size ~100 (squared distances ~1e4)")


def test_float64_inputs(submission, reference):
    args = shuffled_episode(4, 3, 2, 6, seed=15, spread=0.8, dtype=torch.float64)
    assert_close(submission.prototypical_loss(*args)[0], reference.prototypical_loss(*args)[0],
                 rtol=1e-9, atol=1e-10, name="loss on float64 embeddings")


def test_gradients_reach_support_and_query(submission, reference):
    def probe(m):
        s, sl, q, ql, n = shuffled_episode(3, 2, 2, 5, seed=17, spread=0.5)
        s.requires_grad_(True)
        q.requires_grad_(True)
        loss, _ = m.prototypical_loss(s, sl, q, ql, n)
        loss.backward()
        zero_s, zero_q = torch.zeros_like(s), torch.zeros_like(q)
        return {"support": s.grad if s.grad is not None else zero_s,
                "query": q.grad if q.grad is not None else zero_q}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["support"], want["support"],
                 name="gradient on the support embeddings (prototypes must stay in the graph)")
    assert_close(got["query"], want["query"], name="gradient on the query embeddings")


def test_one_shot_prototype_is_the_support_point(submission):
    g = generator(19)
    support = torch.randn(4, 3, generator=g)
    support_labels = torch.tensor([3, 1, 0, 2])
    query = support[torch.tensor([2, 1, 3, 0])] + 0.01
    query_labels = torch.tensor([0, 1, 2, 3])
    _, acc = submission.prototypical_loss(support, support_labels, query, query_labels, 4)
    assert_close(acc, torch.tensor(1.0),
                 name="accuracy when each query sits next to its class's single support point")


def test_inputs_are_not_modified(submission):
    args = shuffled_episode(3, 2, 2, 4, seed=21)

    def probe(m, args):
        m.prototypical_loss(*args)

    run_unchanged(submission, probe, args, name="inputs after the call")
