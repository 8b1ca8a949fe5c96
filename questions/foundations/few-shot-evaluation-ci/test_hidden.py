"""Hidden tests for few-shot-evaluation-ci: the reference, the formula written out, hand-made
cases for each convention of the statement, input checks and unchanged inputs."""

import math

import pytest
import torch

from judge.testing import assert_close, expect, generator, run_unchanged


def make_run(episodes, way, seed, queries=15, p_correct=0.6, variable=False):
    """Predictions and labels of a simulated classifier over `episodes` episodes: each query is
    right with probability `p_correct` (per-episode difficulty varies), otherwise a wrong class.
    With `variable`, the number of queries per class differs between episodes (1..queries)."""
    g = generator(seed)
    predictions, labels = [], []
    for _ in range(episodes):
        q = int(torch.randint(1, queries + 1, (), generator=g)) if variable else queries
        y = torch.arange(way).repeat_interleave(q)
        p = min(max(p_correct + 0.2 * float(torch.randn((), generator=g)), 0.0), 1.0)
        right = torch.rand(y.shape, generator=g) < p
        wrong = (y + torch.randint(1, way, y.shape, generator=g)) % way if way > 1 else y
        predictions.append(torch.where(right, y, wrong))
        labels.append(y)
    return predictions, labels


def written_out(predictions, labels):
    """The statement's formulas term by term, in Python floats."""
    acc = [sum(int(a) == int(b) for a, b in zip(p.tolist(), y.tolist(), strict=True)) / len(y)
           for p, y in zip(predictions, labels, strict=True)]
    n = len(acc)
    mean = math.fsum(acc) / n
    s = math.sqrt(math.fsum((a - mean) ** 2 for a in acc) / (n - 1))
    return {"accuracies": torch.tensor(acc, dtype=torch.float64), "mean": mean,
            "half_width": 1.96 * s / math.sqrt(n)}


CASES = [  # episodes, way, queries per class, p_correct, variable number of queries
    (600, 5, 15, 0.6, False),
    (40, 5, 1, 0.5, False),
    (200, 10, 6, 0.7, True),
    (2, 3, 2, 0.5, False),
    (7, 20, 3, 0.3, True),
]


@pytest.mark.parametrize("episodes,way,queries,p_correct,variable", CASES,
                         ids=["600x5way15q", "40x5way1q", "200x10way-variable", "two-episodes",
                              "7x20way-variable"])
def test_matches_reference(submission, reference, episodes, way, queries, p_correct, variable):
    preds, labels = make_run(episodes, way, seed=episodes + way, queries=queries,
                             p_correct=p_correct, variable=variable)
    assert_close(submission.evaluate_episodes(preds, labels),
                 reference.evaluate_episodes(preds, labels), rtol=1e-6, atol=1e-9,
                 name=f"result over {episodes} episodes")


@pytest.mark.parametrize("variable", [False, True], ids=["fixed-queries", "variable-queries"])
def test_matches_the_formula_written_out(submission, variable):
    preds, labels = make_run(120, 5, seed=3 + variable, queries=4, p_correct=0.55, variable=variable)
    assert_close(submission.evaluate_episodes(preds, labels), written_out(preds, labels),
                 rtol=1e-6, atol=1e-9, name="result against the formulas written out")


def test_episodes_weigh_equally_whatever_their_size(submission):
    # one query, right; ten queries, one right; three queries, all wrong:
    # episode mean (1 + 0.1 + 0) / 3 = 0.3667, pooled 2 / 14 = 0.1429
    preds = [torch.tensor([4]), torch.tensor([0] * 10), torch.tensor([1, 1, 1])]
    labels = [torch.tensor([4]), torch.tensor([0] + [1] * 9), torch.tensor([0, 2, 3])]
    got = submission.evaluate_episodes(preds, labels)
    expect(isinstance(got, dict) and "mean" in got, "result is a dict with a 'mean'", prop="keys")
    assert_close(got["mean"], 1.1 / 3, rtol=1e-6, atol=1e-9,
                 name="mean over episodes of different sizes (each episode counts once)")


def test_two_episodes_use_the_sample_standard_deviation(submission):
    # accuracies 0 and 1: s = sqrt(0.5 / (2 - 1)); h = 1.96 * 0.70711 / sqrt(2) = 0.98
    got = submission.evaluate_episodes([torch.tensor([0, 0]), torch.tensor([1, 1])],
                                       [torch.tensor([1, 1]), torch.tensor([1, 1])])
    expect(isinstance(got, dict) and "half_width" in got, "result is a dict with a 'half_width'",
           prop="keys")
    assert_close(got["half_width"], 0.98, rtol=1e-6, atol=1e-9,
                 name="half-width for two episodes with accuracies 0 and 1")


def test_half_width_shrinks_with_the_square_root_of_the_number_of_episodes(submission):
    # the same four accuracies repeated 1x and 25x: s changes only through E - 1, h by ~1/5
    base_p = [torch.tensor([0, 1, 2, 3]), torch.tensor([0, 1, 0, 0]),
              torch.tensor([0, 0, 0, 0]), torch.tensor([1, 1, 2, 3])]
    base_y = [torch.tensor([0, 1, 2, 3])] * 4                   # accuracies 1, 0.5, 0.25, 0.75
    small = submission.evaluate_episodes(base_p, base_y)
    large = submission.evaluate_episodes(base_p * 25, base_y * 25)
    var = (0.375 ** 2 + 0.125 ** 2 + 0.375 ** 2 + 0.125 ** 2)  # sum of squared deviations, 4 episodes
    assert_close([small["half_width"], large["half_width"]],
                 [1.96 * math.sqrt(var / 3) / 2, 1.96 * math.sqrt(25 * var / 99) / 10],
                 rtol=1e-6, atol=1e-9, name="half-width for 4 and 100 episodes")


def test_identical_episodes_give_a_zero_half_width(submission):
    preds = [torch.tensor([2, 1, 0, 0, 1])] * 30
    labels = [torch.tensor([2, 1, 0, 1, 1])] * 30               # 0.8 in every episode
    got = submission.evaluate_episodes(preds, labels)
    assert_close(got, {"accuracies": torch.full((30,), 0.8, dtype=torch.float64), "mean": 0.8,
                       "half_width": 0.0}, rtol=1e-6, atol=1e-9,
                 name="result when every episode has accuracy 0.8")


def test_accuracies_are_float64_fractions_in_episode_order(submission):
    preds = [torch.tensor([3, 3, 3]), torch.tensor([7]), torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])]
    labels = [torch.tensor([3, 1, 3]), torch.tensor([5]), torch.tensor([0, 1, 2, 3, 4, 5, 6, 7])]
    got = submission.evaluate_episodes(preds, labels)
    expect(isinstance(got, dict) and "accuracies" in got, "result is a dict with 'accuracies'",
           prop="keys")
    assert_close(got["accuracies"], torch.tensor([2 / 3, 0.0, 1.0], dtype=torch.float64),
                 rtol=1e-6, atol=1e-9, name="episode accuracies (fractions, float64, in order)")


def test_returns_exactly_the_three_keys_with_python_floats(submission):
    preds, labels = make_run(10, 4, seed=11, queries=3)
    got = submission.evaluate_episodes(preds, labels)
    expect(isinstance(got, dict), "result is a dict", prop="type")
    expect(set(got) == {"accuracies", "mean", "half_width"},
           "keys of the result", f"got {sorted(map(str, got))}", prop="keys")
    for key in ("mean", "half_width"):
        expect(isinstance(got[key], float), f"'{key}' is a Python float",
               f"got {type(got[key]).__name__}", prop="type")


def test_episode_order_does_not_change_mean_or_half_width(submission):
    preds, labels = make_run(50, 5, seed=12, queries=2, variable=True)
    order = torch.randperm(50, generator=generator(13)).tolist()
    a = submission.evaluate_episodes(preds, labels)
    b = submission.evaluate_episodes([preds[i] for i in order], [labels[i] for i in order])
    expect(isinstance(a, dict) and isinstance(b, dict), "result is a dict", prop="type")
    assert_close([b["mean"], b["half_width"]], [a["mean"], a["half_width"]], rtol=1e-6,
                 atol=1e-9, name="mean and half-width after shuffling the episodes")
    assert_close(b["accuracies"], a["accuracies"][order], rtol=0, atol=0,
                 name="accuracies after shuffling the episodes (same order as the episodes)")


def _error_of(m, predictions, labels):
    try:
        m.evaluate_episodes(predictions, labels)
    except Exception as exc:            # report the type: the test decides
        return type(exc).__name__
    return "no error"


BAD_INPUTS = {
    "one-episode": ([torch.tensor([0, 1])], [torch.tensor([0, 0])]),
    "no-episodes": ([], []),
    "different-numbers-of-episodes": ([torch.tensor([0]), torch.tensor([1])],
                                      [torch.tensor([0]), torch.tensor([1]), torch.tensor([2])]),
    "shape-mismatch": ([torch.tensor([0, 1]), torch.tensor([1, 2, 0])],
                       [torch.tensor([0, 1]), torch.tensor([1, 2])]),
    "empty-episode": ([torch.tensor([0, 1]), torch.zeros(0, dtype=torch.int64)],
                      [torch.tensor([0, 1]), torch.zeros(0, dtype=torch.int64)]),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_raises_value_error(submission, case):
    predictions, labels = BAD_INPUTS[case]
    got = submission.run(lambda m: _error_of(m, predictions, labels))
    assert_close(got, "ValueError", name=f"exception raised for bad input ({case})")


def test_inputs_are_not_modified(submission):
    preds, labels = make_run(20, 5, seed=14, queries=3, variable=True)

    def probe(m, preds, labels):
        m.evaluate_episodes(preds, labels)

    run_unchanged(submission, probe, preds, labels, name="predictions and labels after the call")
