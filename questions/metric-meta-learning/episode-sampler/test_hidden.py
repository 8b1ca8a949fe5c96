"""Hidden tests for episode-sampler: samplers may use randomness differently, so these check properties."""

import pytest
import torch

from judge.testing import binomial_bounds, expect, generator, run_unchanged

ALPHA = 1e-8   # false-rejection probability of one count check (exact Binomial bounds)

CLASS_IDS = [2, 5, 7, 11, 13, 17, 19, 23, 29]
CLASS_SIZES = [6, 9, 12, 7, 8, 10, 6, 11, 3]     # class 29 has only 3 examples


def dataset_labels():
    """Labels of a shuffled dataset with non-contiguous class ids and one small class."""
    labels = torch.cat([torch.full((n,), c, dtype=torch.int64)
                        for c, n in zip(CLASS_IDS, CLASS_SIZES)])
    return labels[torch.randperm(labels.numel(), generator=generator(0))]


def sample(n_way, k_shot, n_query, seed):
    """A probe that samples one episode of dataset_labels() with a generator seeded `seed`."""
    def probe(m):
        return m.sample_episode(dataset_labels(), n_way, k_shot, n_query, generator(seed))
    return probe


def episode_problems(labels, ep, n_way, k_shot, n_query):
    """Everything wrong with an episode, as messages (empty when the episode is valid)."""
    keys = {"classes", "support_idx", "query_idx", "support_labels", "query_labels"}
    if not isinstance(ep, dict) or set(ep) != keys:
        return [f"expected a dict with keys {sorted(keys)}"]
    shapes = {"classes": n_way, "support_idx": n_way * k_shot, "query_idx": n_way * n_query,
              "support_labels": n_way * k_shot, "query_labels": n_way * n_query}
    for key, n in shapes.items():
        t = ep[key]
        if not isinstance(t, torch.Tensor) or t.dtype != torch.int64 or tuple(t.shape) != (n,):
            return [f"{key}: expected an int64 tensor of shape ({n},)"]
    out = []
    classes = ep["classes"]
    if torch.unique(classes).numel() != n_way:
        out.append("the episode's classes are not all distinct")
    s_idx, q_idx = ep["support_idx"], ep["query_idx"]
    all_idx = torch.cat([s_idx, q_idx])
    if bool(((all_idx < 0) | (all_idx >= labels.numel())).any()):
        return out + ["an index is outside the dataset"]
    if torch.unique(all_idx).numel() != all_idx.numel():
        out.append("a dataset index is used twice (support/query overlap or repeated examples)")
    for key, idx, per_class in (("support", s_idx, k_shot), ("query", q_idx, n_query)):
        ep_labels = ep[f"{key}_labels"]
        if bool(((ep_labels < 0) | (ep_labels >= n_way)).any()):
            out.append(f"{key}_labels are not in 0..n_way-1")
            continue
        if not torch.equal(torch.bincount(ep_labels, minlength=n_way),
                           torch.full((n_way,), per_class, dtype=torch.int64)):
            out.append(f"{key}_labels: each episode class must appear exactly {per_class} times")
        if not torch.equal(labels[idx], classes[ep_labels]):
            out.append(f"labels[{key}_idx] != classes[{key}_labels] (inconsistent relabelling)")
    return out


CASES = [(5, 1, 2), (5, 2, 3), (3, 5, 1), (8, 1, 5), (2, 3, 3), (1, 2, 2)]


@pytest.mark.parametrize("n_way,k_shot,n_query", CASES,
                         ids=["5way-1shot-2q", "5way-2shot-3q", "3way-5shot-1q", "8way-1shot-5q",
                              "2way-3shot-3q", "1way-2shot-2q"])
def test_episode_is_valid(submission, n_way, k_shot, n_query):
    labels = dataset_labels()
    for seed in range(3):
        ep = submission.run(sample(n_way, k_shot, n_query, seed))
        problems = episode_problems(labels, ep, n_way, k_shot, n_query)
        assert not problems, f"episode with generator seed {seed}: " + "; ".join(problems)


def test_classes_are_distinct_over_many_episodes(submission):
    def probe(m):
        g = generator(1)
        return [m.sample_episode(dataset_labels(), 6, 1, 1, g)["classes"] for _ in range(40)]

    for classes in submission.run(probe):
        assert torch.unique(classes).numel() == 6, "an episode contains the same class twice"


def test_support_and_query_never_overlap(submission):
    def probe(m):
        g = generator(2)
        return [m.sample_episode(dataset_labels(), 4, 3, 3, g) for _ in range(30)]

    for ep in submission.run(probe):
        shared = set(ep["support_idx"].tolist()) & set(ep["query_idx"].tolist())
        assert not shared, "a dataset example appears in both the support and the query set"


def test_episode_labels_are_relabelled_0_to_n_minus_1(submission):
    labels = dataset_labels()
    ep = submission.run(sample(4, 2, 2, seed=3))
    assert isinstance(ep, dict) and "support_labels" in ep and "query_labels" in ep, (
        "expected a dict with support_labels and query_labels")
    for key in ("support_labels", "query_labels"):
        assert set(ep[key].tolist()) == {0, 1, 2, 3}, (
            f"{key} must use the episode labels 0..n_way-1, not the dataset's class ids")
    assert not episode_problems(labels, ep, 4, 2, 2), "support and query relabelling disagree"


def test_same_generator_seed_gives_same_episode(submission):
    def probe(m):
        torch.manual_seed(123)
        a = m.sample_episode(dataset_labels(), 5, 2, 2, generator(7))
        torch.manual_seed(456)               # the global RNG must not matter
        b = m.sample_episode(dataset_labels(), 5, 2, 2, generator(7))
        return a, b

    a, b = submission.run(probe)
    for key in a:
        assert torch.equal(a[key], b[key]), (
            f"{key} differs between two calls with generators of the same seed (the global RNG "
            "was reseeded differently before each)")


def test_different_seeds_give_different_episodes(submission):
    def probe(m):
        return [m.sample_episode(dataset_labels(), 3, 1, 1, generator(s))["support_idx"]
                for s in range(6)]

    # a given 3-way episode has probability at most 1/C(8, 3) = 1/56 (its class set alone, the
    # class order being free): six seeds agree with probability below (1/56)^5 < 2e-9
    episodes = {tuple(idx.tolist()) for idx in submission.run(probe)}
    assert len(episodes) > 1, "six different generator seeds gave the same episode"


def test_every_eligible_class_is_reachable(submission):
    def probe(m):
        g = generator(11)
        return torch.cat([m.sample_episode(dataset_labels(), 3, 2, 2, g)["classes"]
                          for _ in range(150)])

    seen = set(submission.run(probe).tolist())
    eligible = {c for c, n in zip(CLASS_IDS, CLASS_SIZES) if n >= 4}
    missing = sorted(eligible - seen)
    # each of the 8 eligible classes is missed by one 3-way episode with probability 5/8:
    # false rejection <= 8 * (5/8)^150 < 1e-29
    assert not missing, f"{len(missing)} eligible class id(s) never sampled in 150 episodes"


def test_ineligible_class_is_never_sampled(submission):
    def probe(m):
        g = generator(12)
        return torch.cat([m.sample_episode(dataset_labels(), 5, 2, 2, g)["classes"]
                          for _ in range(30)])

    assert 29 not in set(submission.run(probe).tolist()), (
        "a class with fewer than k_shot + n_query examples was sampled")


def test_all_eligible_classes_when_n_way_equals_their_number(submission):
    labels = dataset_labels()
    ep = submission.run(sample(8, 2, 4, seed=13))
    problems = episode_problems(labels, ep, 8, 2, 4)
    assert not problems, "8-way episode using every eligible class: " + "; ".join(problems)


def test_class_with_exactly_k_plus_q_examples_is_used_whole(submission):
    def probe(m):
        labels = torch.tensor([4, 9, 4, 9, 4, 9, 4, 9, 9])   # class 4: 4 examples, class 9: 5
        return m.sample_episode(labels, 2, 2, 2, generator(14))

    labels = torch.tensor([4, 9, 4, 9, 4, 9, 4, 9, 9])
    ep = submission.run(probe)
    problems = episode_problems(labels, ep, 2, 2, 2)
    assert not problems, "2-way 2-shot 2-query on a tiny dataset: " + "; ".join(problems)


def test_raises_value_error_when_too_few_eligible_classes(submission):
    def probe(m):
        out = []
        for n_way, k_shot, n_query in ((9, 2, 2), (3, 6, 5), (10, 1, 1)):
            try:
                m.sample_episode(dataset_labels(), n_way, k_shot, n_query, generator(15))
                out.append("no error")
            except Exception as exc:            # report the type, assert in the test
                out.append(type(exc).__name__)
        return out

    got = submission.run(probe)
    assert got == ["ValueError"] * 3, (
        f"expected ValueError when fewer than n_way classes have k_shot + n_query examples, got {got}")


def test_labels_are_not_modified(submission):
    labels = dataset_labels()

    def probe(m, labels):
        m.sample_episode(labels, 4, 2, 2, generator(16))

    run_unchanged(submission, probe, labels, name="the labels tensor after the call")


def check_count(count, n, p, what):
    lo, hi = binomial_bounds(n, p, ALPHA)
    expect(lo <= count <= hi, what,
           f"{count} of {n}; a correct sampler gives {n * p:.1f} on average, and a count outside "
           f"[{lo}, {hi}] has probability below {ALPHA:g}")


# one large class and five small ones, all eligible for 2-shot 2-query episodes
SKEWED_IDS, SKEWED_SIZES = [40, 3, 17, 8, 25, 31], [60, 4, 5, 4, 6, 4]


def skewed_labels():
    labels = torch.cat([torch.full((n,), c, dtype=torch.int64)
                        for c, n in zip(SKEWED_IDS, SKEWED_SIZES)])
    return labels[torch.randperm(labels.numel(), generator=generator(20))]


def test_class_choice_is_uniform_whatever_the_class_size(submission):
    """600 2-way episodes over 6 eligible classes of sizes 4 to 60: each class is in an episode
    with probability 2/6, so its count is Binomial(600, 1/3) whatever its size. Six cells:
    false rejection <= 6 * ALPHA = 6e-8. Choosing classes through random examples (biased to
    large classes) fails it."""
    labels = skewed_labels()
    episodes = 600

    def probe(m):
        g = generator(21)
        return torch.stack([m.sample_episode(labels, 2, 2, 2, g)["classes"]
                            for _ in range(episodes)])

    classes = submission.run(probe)
    expect(isinstance(classes, torch.Tensor) and tuple(classes.shape) == (episodes, 2),
           "classes of 600 episodes", prop="shape")
    for c, size in zip(SKEWED_IDS, SKEWED_SIZES):
        check_count(int((classes == c).any(1).sum()), episodes, 2 / 6,
                    f"number of episodes (of {episodes}) holding class {c} ({size} examples)")


def test_examples_of_a_class_are_chosen_uniformly(submission):
    """In 300 6-way 2-shot 2-query episodes (every class is in each), each of the 60 examples of
    class 40 is drawn with probability 4/60 and lands in the support set with probability 2/60:
    its counts are Binomial(300, 4/60) and Binomial(300, 2/60). 120 cells at ALPHA/10 each:
    false rejection <= 1.2e-7. Always taking the first examples of a class fails it."""
    labels = skewed_labels()
    episodes = 300

    def probe(m):
        g = generator(22)
        out = [m.sample_episode(labels, 6, 2, 2, g) for _ in range(episodes)]
        return (torch.cat([e["support_idx"] for e in out]), torch.cat([e["query_idx"] for e in out]))

    support, query = submission.run(probe)
    members = torch.nonzero(labels == 40).flatten()
    s_counts = torch.bincount(support, minlength=labels.numel())
    q_counts = torch.bincount(query, minlength=labels.numel())
    for idx in members.tolist():
        for counts, p, where in ((s_counts + q_counts, 4 / 60, "the episode"),
                                 (s_counts, 2 / 60, "the support set")):
            lo, hi = binomial_bounds(episodes, p, ALPHA / 10)
            expect(lo <= int(counts[idx]) <= hi,
                   f"number of episodes (of {episodes}) with example {idx} of class 40 in {where}",
                   f"{int(counts[idx])}; a count outside [{lo}, {hi}] has probability below "
                   f"{ALPHA / 10:g} for a uniform choice")
