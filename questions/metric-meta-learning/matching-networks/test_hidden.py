"""Hidden tests for matching-networks: differential checks, invariances, gradients, edge cases."""

import pytest
import torch

from judge.testing import assert_close, generator, make_episode, run_unchanged


def shuffled_episode(n_way, k_shot, n_query, dim, seed, spread=1.0, dtype=torch.float32):
    """(support, support_labels, query, n_way) with the support rows in a random order."""
    ep = make_episode(n_way, k_shot, n_query, dim, seed=seed, spread=spread)
    perm = torch.randperm(n_way * k_shot, generator=generator(seed + 1000))
    return (ep["support"][perm].to(dtype), ep["support_labels"][perm], ep["query"].to(dtype),
            n_way)


CASES = [  # n_way, k_shot, n_query, dim
    (5, 1, 3, 16),
    (5, 5, 2, 8),
    (3, 2, 4, 4),
    (20, 1, 1, 32),
]


@pytest.mark.parametrize("n_way,k_shot,n_query,dim", CASES,
                         ids=["5way-1shot", "5way-5shot", "3way-2shot", "20way-1shot"])
def test_matches_reference(submission, reference, n_way, k_shot, n_query, dim):
    args = shuffled_episode(n_way, k_shot, n_query, dim, seed=n_way * 10 + k_shot)
    assert_close(submission.matching_log_probs(*args), reference.matching_log_probs(*args),
                 name="log-probabilities on an episode with support rows in random order")


def test_output_is_normalised_log_probabilities(submission):
    out = submission.matching_log_probs(*shuffled_episode(4, 3, 5, 6, seed=2))
    assert isinstance(out, torch.Tensor) and out.shape == (20, 4), (
        f"expected shape (n_query_total, n_way) = (20, 4), got {getattr(out, 'shape', out)}")
    assert_close(out.exp().sum(1), torch.ones(20),
                 name="exp(log-probabilities) summed over classes (each row must sum to 1)")


def test_invariant_to_rescaling_embeddings(submission):
    s, sl, q, n = shuffled_episode(4, 2, 3, 8, seed=3)
    scales = torch.rand(s.shape[0], 1, generator=generator(4)) * 9 + 0.5
    a = submission.matching_log_probs(s, sl, q, n)
    b = submission.matching_log_probs(s * scales, sl, q * 7.0, n)
    assert_close(b, a, name="log-probabilities after rescaling embeddings (cosine ignores norms)")


def test_invariant_to_permuting_the_support_set(submission):
    s, sl, q, n = shuffled_episode(4, 3, 2, 8, seed=5)
    perm = torch.randperm(s.shape[0], generator=generator(6))
    a = submission.matching_log_probs(s, sl, q, n)
    b = submission.matching_log_probs(s[perm], sl[perm], q, n)
    assert_close(b, a, name="log-probabilities after shuffling the support rows with their labels")


def test_class_mass_is_a_sum_over_its_examples(submission):
    # the query is equally similar (cosine 0) to all three support points; class 1 has two of them
    support = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 2.0]])
    support_labels = torch.tensor([0, 1, 1])
    query = torch.tensor([[5.0, 0.0, 0.0]])
    got = submission.matching_log_probs(support, support_labels, query, 2)
    assert_close(got.exp(), torch.tensor([[1.0 / 3.0, 2.0 / 3.0]]),
                 name="class probabilities when every support example gets the same attention")


def test_single_class_gets_probability_one(submission):
    s = make_episode(1, 4, 3, 5, seed=7)
    got = submission.matching_log_probs(s["support"], s["support_labels"], s["query"], 1)
    assert_close(got, torch.zeros(3, 1), atol=1e-6, name="log-probabilities of a 1-way episode")


def test_single_query(submission, reference):
    s, sl, q, n = shuffled_episode(3, 2, 1, 4, seed=8)
    q = q[:1]
    assert_close(submission.matching_log_probs(s, sl, q, n),
                 reference.matching_log_probs(s, sl, q, n), name="log-probabilities for one query")


def test_large_embeddings(submission, reference):
    s, sl, q, n = shuffled_episode(5, 2, 2, 8, seed=9, spread=0.3)
    s, q = s * 1000.0, q * 1000.0
    got = submission.matching_log_probs(s, sl, q, n)
    assert bool(torch.isfinite(got).all()), "non-finite log-probabilities for embeddings of size ~1e3"
    assert_close(got, reference.matching_log_probs(s, sl, q, n),
                 name="log-probabilities for embeddings of size ~1e3")


def test_tiny_embeddings_are_normalised_like_any_other(submission, reference):
    # one support row and one query row of norm 1.5e-8, above the 1e-8 floor of the statement:
    # each is divided by its own norm, so the result is that of the unit-norm rows
    s, sl, q, n = shuffled_episode(4, 2, 3, 8, seed=13, dtype=torch.float64)
    s_unit, q_unit = s / s.norm(dim=1, keepdim=True), q / q.norm(dim=1, keepdim=True)
    s_tiny, q_tiny = s_unit.clone(), q_unit.clone()
    s_tiny[0] *= 1.5e-8
    q_tiny[0] *= 1.5e-8
    assert_close(submission.matching_log_probs(s_tiny, sl, q_tiny, n),
                 reference.matching_log_probs(s_unit, sl, q_unit, n), rtol=1e-9, atol=1e-10,
                 name="log-probabilities with a support row and a query row of norm 1.5e-8")


def test_float64_inputs(submission, reference):
    args = shuffled_episode(4, 3, 2, 6, seed=10, dtype=torch.float64)
    assert_close(submission.matching_log_probs(*args), reference.matching_log_probs(*args),
                 rtol=1e-9, atol=1e-10, name="log-probabilities on float64 embeddings")


def test_gradients_reach_support_and_query(submission, reference):
    def probe(m):
        s, sl, q, n = shuffled_episode(3, 2, 2, 5, seed=11)
        s.requires_grad_(True)
        q.requires_grad_(True)
        targets = torch.tensor([0, 1, 2, 0, 1, 2])
        logp = m.matching_log_probs(s, sl, q, n)
        torch.nn.functional.nll_loss(logp, targets).backward()
        return {"support": s.grad if s.grad is not None else torch.zeros_like(s),
                "query": q.grad if q.grad is not None else torch.zeros_like(q)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["support"], want["support"], name="gradient of the NLL on the support embeddings")
    assert_close(got["query"], want["query"], name="gradient of the NLL on the query embeddings")


def test_inputs_are_not_modified(submission):
    args = shuffled_episode(3, 2, 2, 4, seed=12)

    def probe(m, args):
        m.matching_log_probs(*args)

    run_unchanged(submission, probe, args, name="inputs after the call")
