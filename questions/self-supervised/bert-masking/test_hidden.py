"""Hidden tests for bert-masking: invariants, and the distribution of the random choices.

Every statistical check compares a count with the exact Binomial law that a correct sampler
gives it, through ``binomial_bounds(n, p, ALPHA)``: a count outside the bounds rejects a correct
submission with probability at most ALPHA (1e-8) whatever the seed. Each test states the union
bound of its checks; all are below 1e-6. Inputs are built here and sent in; only the
submission's returned tensors are judged.
"""

import math

import torch

from judge.testing import assert_like, binomial_bounds, expect, generator, run_unchanged

VOCAB, MASK, CLS, SEP, PAD = 1000, 3, 1, 2, 0
ALPHA = 1e-8   # false-rejection probability of one count check


def make_batch(b, length, seed):
    """Random token ids in [5, VOCAB) framed by [CLS] ... [SEP] and right padding."""
    g = generator(seed)
    ids = torch.randint(5, VOCAB, (b, length), generator=g)
    lengths = torch.randint(length // 2, length + 1, (b,), generator=g)
    for i, n in enumerate(lengths.tolist()):
        ids[i, 0] = CLS
        ids[i, n - 1] = SEP
        ids[i, n:] = PAD
    return ids, (ids == CLS) | (ids == SEP) | (ids == PAD)


def masked(submission, ids, special, seed, p, vocab=VOCAB):
    """The submission's (corrupted, labels) for inputs built here, checked for type, dtype and
    shape; plus the chosen positions (label != -100)."""
    def probe(m):
        return m.mask_tokens(ids, special, MASK, vocab, generator(seed), mlm_probability=p)

    out = submission.run(probe)
    assert_like(out, (ids, ids), name="(corrupted_ids, labels): int64 tensors of shape (B, L)")
    corrupted, labels = out
    return corrupted, labels, labels != -100


def check_count(count, n, p, what):
    lo, hi = binomial_bounds(n, p, ALPHA)
    expect(lo <= count <= hi, what,
           f"{count} of {n}; a correct sampler gives {n * p:.1f} on average, and a count outside "
           f"[{lo}, {hi}] has probability below {ALPHA:g}")


def standard(submission, seed, p=0.15, b=256, length=128):
    ids, special = make_batch(b, length, seed)
    corrupted, labels, chosen = masked(submission, ids, special, seed + 1, p)
    return ids, special, corrupted, labels, chosen


def test_labels_are_original_ids_or_minus_100(submission):
    ids, special, corrupted, labels, chosen = standard(submission, 20)
    expect(bool((labels[chosen] == ids[chosen]).all()), "labels at chosen positions",
           "a label differs from the original token id at a chosen position")
    expect(bool(((labels == -100) | (labels == ids)).all()), "labels at positions not chosen",
           "a label is neither -100 nor the original id")


def test_special_tokens_never_chosen_or_changed(submission):
    ids, special, corrupted, labels, chosen = standard(submission, 30, p=0.5)
    expect(not bool(chosen[special].any()), "labels at special and padding positions",
           "a special or padding position was chosen")
    expect(torch.equal(corrupted[special], ids[special]), "corrupted ids at special positions",
           "a special or padding token changed")


def test_unchosen_positions_are_unchanged(submission):
    ids, special, corrupted, labels, chosen = standard(submission, 40)
    expect(torch.equal(corrupted[~chosen], ids[~chosen]), "corrupted ids at positions not chosen",
           "a position whose label is -100 does not keep its original id")


def test_fraction_chosen_is_mlm_probability(submission):
    # two checks: false rejection <= 2 * ALPHA = 2e-8
    for p, seed in ((0.15, 50), (0.4, 60)):
        ids, special, corrupted, labels, chosen = standard(submission, seed, p=p)
        n = int((~special).sum())
        check_count(int(chosen[~special].sum()), n, p,
                    f"number of non-special positions chosen at mlm_probability={p}")


def test_default_mlm_probability_is_0_15(submission):
    # one check: false rejection <= ALPHA = 1e-8
    ids, special = make_batch(256, 128, 55)

    def probe(m):
        return m.mask_tokens(ids, special, MASK, VOCAB, generator(56))

    out = submission.run(probe)
    assert_like(out, (ids, ids), name="(corrupted_ids, labels): int64 tensors of shape (B, L)")
    chosen = out[1] != -100
    check_count(int(chosen[~special].sum()), int((~special).sum()), 0.15,
                "number of non-special positions chosen with the default mlm_probability")

def test_number_chosen_per_sequence_is_binomial(submission):
    """Each of 3000 sequences has 10 non-special positions, so its number of chosen positions
    is Binomial(10, 0.15); the number of sequences with k chosen is Binomial(3000, P(k)).
    Five cells (k = 0, 1, 2, 3, >= 4): false rejection <= 5 * ALPHA = 5e-8. A fixed count per
    sequence, or at least one forced per sequence, fails it."""
    s, n, p = 3000, 10, 0.15
    ids = torch.randint(5, VOCAB, (s, n + 2), generator=generator(65))
    ids[:, 0], ids[:, -1] = CLS, SEP
    special = (ids == CLS) | (ids == SEP)
    _, _, chosen = masked(submission, ids, special, 66, p)
    per_sequence = chosen.sum(1)
    pmf = [math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(4)]
    for k in range(4):
        check_count(int((per_sequence == k).sum()), s, pmf[k],
                    f"number of sequences (of {s}, 10 positions each) with exactly {k} chosen")
    check_count(int((per_sequence >= 4).sum()), s, 1 - sum(pmf),
                f"number of sequences (of {s}, 10 positions each) with 4 or more chosen")


def test_eighty_percent_of_chosen_become_mask(submission):
    # P(mask id | chosen) = 0.8 + 0.1/VOCAB (a random id may be the mask id); one check: <= 1e-8
    ids, special, corrupted, labels, chosen = standard(submission, 70, p=0.3)
    check_count(int((corrupted[chosen] == MASK).sum()), int(chosen.sum()), 0.8 + 0.1 / VOCAB,
                "number of chosen positions replaced by [MASK]")


def test_ten_percent_of_chosen_stay_unchanged(submission):
    # P(original id | chosen) = 0.1 + 0.1/VOCAB; one check: <= 1e-8
    ids, special, corrupted, labels, chosen = standard(submission, 80, p=0.3)
    check_count(int((corrupted[chosen] == ids[chosen]).sum()), int(chosen.sum()), 0.1 + 0.1 / VOCAB,
                "number of chosen positions left unchanged")


def test_ten_percent_of_chosen_become_random_tokens(submission):
    # P(neither mask nor original | chosen) = 0.1 (1 - 2/VOCAB); one check: <= 1e-8
    ids, special, corrupted, labels, chosen = standard(submission, 90, p=0.3)
    c, o = corrupted[chosen], ids[chosen]
    check_count(int(((c != MASK) & (c != o)).sum()), int(chosen.sum()), 0.1 * (1 - 2 / VOCAB),
                "number of chosen positions replaced by another id")
    expect(bool(((c >= 0) & (c < VOCAB)).all()), "range of the corrupted ids",
           "an id outside [0, vocab_size) was produced")


def test_random_ids_cover_the_whole_vocabulary_uniformly(submission):
    """A 16-id vocabulary, every one of 40000 positions chosen (mlm_probability=1) from input
    id 5: each id c other than the mask id and 5 appears Binomial(40000, 0.1/16) times. 14
    cells: false rejection <= 14 * ALPHA = 1.4e-7. Ids that never reach vocab_size-1, or skip
    low ids, fail it."""
    vocab, b, length = 16, 400, 100
    ids = torch.full((b, length), 5, dtype=torch.int64)
    special = torch.zeros(b, length, dtype=torch.bool)
    corrupted, _, chosen = masked(submission, ids, special, 95, 1.0, vocab=vocab)
    expect(bool(chosen.all()), "labels at mlm_probability=1", "a non-special position was not chosen")
    expect(bool(((corrupted >= 0) & (corrupted < vocab)).all()), "range of the corrupted ids",
           "an id outside [0, vocab_size) was produced")
    counts = torch.bincount(corrupted.reshape(-1), minlength=vocab)
    for c in range(vocab):
        if c not in (MASK, 5):
            check_count(int(counts[c]), b * length, 0.1 / vocab,
                        f"number of random replacements equal to id {c} of {vocab}")


def test_same_generator_state_gives_same_result(submission):
    ids, special = make_batch(16, 32, 100)

    def probe(m):
        a = m.mask_tokens(ids, special, MASK, VOCAB, generator(101), mlm_probability=0.15)
        b = m.mask_tokens(ids, special, MASK, VOCAB, generator(101), mlm_probability=0.15)
        c = m.mask_tokens(ids, special, MASK, VOCAB, generator(102), mlm_probability=0.15)
        return a, b, c

    a, b, c = submission.run(probe)
    assert_like((a, b, c), ((ids, ids),) * 3, name="results of three calls")
    expect(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]),
           "results of two calls with equally seeded generators", "they differ")
    # at least 16 * 14 non-special positions, each chosen or not alike under two seeds with
    # probability 0.15^2 + 0.85^2 = 0.745: false rejection <= 0.745^224 < 1e-28
    expect(not torch.equal(a[1], c[1]), "labels from two different generator seeds",
           "they are identical")


def test_input_ids_not_modified(submission):
    ids, special = make_batch(8, 32, 110)

    def probe(m, ids, special):
        m.mask_tokens(ids, special, MASK, VOCAB, generator(111), mlm_probability=0.5)

    run_unchanged(submission, probe, ids, special, name="input_ids and special_mask after the call")
