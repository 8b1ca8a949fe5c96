"""Hidden tests for bert-masking: invariants and statistics over large batches."""

import torch

from judge.testing import generator

VOCAB, MASK, CLS, SEP, PAD = 1000, 3, 1, 2, 0


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


def run_masking(m, seed, p=0.15, b=256, length=128):
    ids, special = make_batch(b, length, seed)
    corrupted, labels = m.mask_tokens(ids, special, MASK, VOCAB, generator(seed + 1),
                                      mlm_probability=p)
    return ids, special, corrupted, labels


def masked_stats(submission, seed, p=0.15):
    def probe(m):
        return run_masking(m, seed, p)

    ids, special, corrupted, labels = submission.run(probe)
    chosen = labels != -100
    return ids, special, corrupted, labels, chosen


def test_output_shapes_and_dtypes(submission):
    ids, special, corrupted, labels, _ = masked_stats(submission, 10)
    assert corrupted.shape == ids.shape and labels.shape == ids.shape, "outputs should be (B, L)"
    assert corrupted.dtype == torch.int64 and labels.dtype == torch.int64, (
        f"outputs should be int64, got {corrupted.dtype} and {labels.dtype}")


def test_labels_are_original_ids_or_minus_100(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 20)
    assert bool((labels[chosen] == ids[chosen]).all()), (
        "at every chosen position the label must be the ORIGINAL token id")
    assert bool(((labels == -100) | chosen).all()) and float(chosen.float().mean()) < 0.5, (
        "labels must be -100 at every position that was not chosen")


def test_special_tokens_never_chosen_or_changed(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 30, p=0.5)
    assert not bool(chosen[special].any()), "special/padding positions must never be chosen"
    assert torch.equal(corrupted[special], ids[special]), "special/padding tokens must not change"


def test_unchosen_positions_are_unchanged(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 40)
    assert torch.equal(corrupted[~chosen], ids[~chosen]), (
        "every position whose label is -100 must keep its original id")


def test_fraction_chosen_is_mlm_probability(submission):
    for p, seed in ((0.15, 50), (0.4, 60)):
        ids, special, corrupted, labels, chosen = masked_stats(submission, seed, p=p)
        frac = float(chosen[~special].float().mean())
        assert abs(frac - p) < 0.015, (
            f"fraction of non-special tokens chosen at mlm_probability={p}: {frac:.3f}")


def test_eighty_percent_of_chosen_become_mask(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 70, p=0.3)
    frac = float((corrupted[chosen] == MASK).float().mean())
    assert abs(frac - 0.8) < 0.025, f"fraction of chosen tokens replaced by [MASK]: {frac:.3f}"


def test_ten_percent_of_chosen_stay_unchanged(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 80, p=0.3)
    frac = float((corrupted[chosen] == ids[chosen]).float().mean())
    assert abs(frac - 0.1) < 0.02, f"fraction of chosen tokens left unchanged: {frac:.3f}"


def test_ten_percent_of_chosen_become_random_tokens(submission):
    ids, special, corrupted, labels, chosen = masked_stats(submission, 90, p=0.3)
    c, o = corrupted[chosen], ids[chosen]
    random_part = c[(c != MASK) & (c != o)]
    frac = random_part.numel() / max(c.numel(), 1)
    assert abs(frac - 0.1) < 0.02, f"fraction of chosen tokens replaced by another id: {frac:.3f}"
    assert bool(((random_part >= 0) & (random_part < VOCAB)).all()), (
        "random replacements must be ids in [0, vocab_size)")
    assert int(random_part.unique().numel()) > 0.5 * random_part.numel(), (
        "random replacements should be spread uniformly over the vocabulary")


def test_same_generator_state_gives_same_result(submission):
    def probe(m):
        a = run_masking(m, 100, b=16, length=32)
        b = run_masking(m, 100, b=16, length=32)
        c = run_masking(m, 101, b=16, length=32)
        return a[2:], b[2:], c[3]

    a, b, c_labels = submission.run(probe)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]), (
        "equally seeded generators should give identical outputs (use only `generator`)")
    assert not torch.equal(a[1], c_labels), "different generator seeds should give different choices"


def test_input_ids_not_modified(submission):
    def probe(m):
        ids, special = make_batch(8, 32, 110)
        before = ids.clone()
        m.mask_tokens(ids, special, MASK, VOCAB, generator(111), mlm_probability=0.5)
        return before, ids

    before, after = submission.run(probe)
    assert torch.equal(before, after), "input_ids must not be modified in place"
