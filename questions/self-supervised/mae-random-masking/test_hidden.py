"""Hidden tests for mae-random-masking: the returned triple is consistent with the input, the
kept sets have the law the statement fixes, and the loss follows its formula.

Correct samplers may consume random numbers differently, so the masking is checked on its
properties and its distribution, never against the reference's draw. Every statistical check
compares a count with the exact Binomial law a correct sampler gives it, through
``binomial_bounds(n, p, ALPHA)``: a count outside the bounds rejects a correct submission with
probability at most ALPHA (1e-8) whatever the seed; each test states the union bound of its
checks, all below 1e-6.
"""

import itertools
import math

import pytest
import torch

from judge.testing import (
    assert_close,
    assert_like,
    binomial_bounds,
    call_unchanged,
    expect,
    generator,
    randn,
    run_unchanged,
)

ALPHA = 1e-8   # false-rejection probability of one count check


def keep_count(length, ratio):
    return int(length * (1 - ratio))


def masked(submission, x, ratio, seed):
    """The submission's (x_kept, mask, ids_restore) for `x` built here, after checking types,
    dtypes, shapes and finiteness against what the statement fixes."""
    def probe(m):
        return m.random_masking(x, ratio, generator(seed))

    out = submission.run(probe)
    b, length, d = x.shape
    k = keep_count(length, ratio)
    template = (torch.zeros(b, k, d, dtype=x.dtype), torch.zeros(b, length, dtype=x.dtype),
                torch.zeros(b, length, dtype=torch.int64))
    assert_like(out, template, name=f"(x_kept (B, {k}, D), mask (B, L), ids_restore (B, L) int64)")
    return out


def problems(x, ratio, x_kept, mask, ids):
    """Everything inconsistent in one returned triple, as messages (empty when valid)."""
    b, length, d = x.shape
    k = keep_count(length, ratio)
    if not bool(((mask == 0) | (mask == 1)).all()):
        return ["mask holds values other than 0 and 1"]
    out = []
    if not bool(((mask == 0).sum(1) == k).all()):
        out.append(f"every sample must keep exactly K = {k} tokens (mask == 0)")
    if not torch.equal(ids.sort(1).values, torch.arange(length).expand(b, length)):
        return out + ["ids_restore is not a permutation of 0..L-1 in every sample"]
    if not torch.equal(ids < k, mask == 0):
        out.append("ids_restore is not < K exactly at the kept positions (mask == 0)")
        return out
    full = torch.cat([x_kept, torch.full((b, length - k, d), float("nan"), dtype=x.dtype)], 1)
    restored = torch.gather(full, 1, ids.unsqueeze(-1).expand(-1, -1, d))
    kept = (mask == 0).unsqueeze(-1).expand(-1, -1, d)
    if not torch.equal(restored[kept], x[kept]):
        out.append("gathering [x_kept, filler] with ids_restore does not give back x at the "
                   "kept positions")
    return out


def position_tokens(b, length, dtype=torch.float32):
    """Token l of every sample holds the value l: the kept positions can be read off x_kept."""
    return torch.arange(length, dtype=dtype).repeat(b, 1).unsqueeze(-1).contiguous()


CASES = [  # B, L, D, mask_ratio  (K = int(L * (1 - ratio)))
    (4, 16, 5, 0.75),      # K = 4
    (3, 7, 2, 0.5),        # 3.5 -> 3
    (2, 10, 3, 0.33),      # 6.7 -> 6
    (5, 9, 4, 0.0),        # K = L
    (1, 1, 3, 0.0),        # a single token
    (2, 196, 8, 0.75),     # 14 x 14 patches, K = 49
    (6, 12, 3, 0.6),       # 4.8 -> 4
]
IDS = ["B4-L16-r0.75", "B3-L7-r0.5", "B2-L10-r0.33", "B5-L9-r0", "B1-L1", "B2-L196", "B6-L12-r0.6"]


@pytest.mark.parametrize("b,length,d,ratio", CASES, ids=IDS)
def test_returned_triple_is_consistent(submission, b, length, d, ratio):
    x = randn(b, length, d, seed=length + b)
    x_kept, mask, ids = masked(submission, x, ratio, seed=b)
    found = problems(x, ratio, x_kept, mask, ids)
    expect(not found, f"random_masking with B={b}, L={length}, mask_ratio={ratio}",
           "; ".join(found))


def test_float64_tokens(submission):
    x = randn(3, 10, 4, seed=7, dtype=torch.float64)
    x_kept, mask, ids = masked(submission, x, 0.7, seed=8)     # dtypes checked by `masked`
    found = problems(x, 0.7, x_kept, mask, ids)
    expect(not found, "random_masking of float64 tokens", "; ".join(found))


def test_same_seed_same_result_whatever_the_global_generator(submission):
    x = randn(8, 16, 3, seed=9)

    def probe(m):
        torch.manual_seed(1)
        first = m.random_masking(x, 0.75, generator(5))
        torch.manual_seed(2)
        second = m.random_masking(x, 0.75, generator(5))
        return first, second

    first, second = submission.run(probe)
    assert_close(first, second, rtol=0.0, atol=0.0,
                 name="two calls with equally seeded generators (global generator reseeded "
                      "differently in between)")


def test_successive_calls_draw_new_masks(submission):
    x = randn(8, 16, 3, seed=10)

    def probe(m):
        g = generator(6)
        return m.random_masking(x, 0.75, g)[1], m.random_masking(x, 0.75, g)[1]

    a, b = submission.run(probe)
    # a correct sampler repeats all 8 masks with probability (1/1820)^8 < 1e-26
    expect(not torch.equal(a, b), "masks of two successive calls with one generator",
           "the two calls returned the same masks for all 8 samples")


def test_gradient_flows_from_kept_tokens_to_x(submission):
    x = randn(3, 8, 4, seed=11)

    def probe(m):
        xg = x.clone().requires_grad_(True)
        kept, mask, _ = m.random_masking(xg, 0.5, generator(12))
        (kept ** 2).sum().backward()
        return (xg.grad if xg.grad is not None else torch.zeros_like(x)), mask

    grad, mask = submission.run(probe)
    assert_like((grad, mask), (x, torch.zeros(3, 8)), name="(gradient on x, mask)")
    assert_close(grad, 2 * x * (1 - mask).unsqueeze(-1),
                 name="gradient of sum(x_kept ** 2) on x (2x at kept tokens, 0 elsewhere)")


def test_input_is_not_modified(submission):
    x = randn(4, 9, 3, seed=13)

    def probe(m, x):
        m.random_masking(x, 0.5, generator(14))

    run_unchanged(submission, probe, x, name="x after random_masking")


def check_count(count, n, p, what):
    lo, hi = binomial_bounds(n, p, ALPHA)
    expect(lo <= count <= hi, what,
           f"{count} of {n}; a correct sampler gives {n * p:.1f} on average, and a count outside "
           f"[{lo}, {hi}] has probability below {ALPHA:g}")


def kept_sets(submission, b, length, ratio, seed):
    """Boolean (B, L) of the kept positions, after checking the triple's consistency."""
    x = position_tokens(b, length)
    x_kept, mask, ids = masked(submission, x, ratio, seed)
    found = problems(x, ratio, x_kept, mask, ids)
    expect(not found, f"random_masking with B={b}, L={length}", "; ".join(found))
    return mask == 0


@pytest.mark.parametrize("length,ratio", [(8, 0.625), (16, 0.75)], ids=["L8-K3", "L16-K4"])
def test_every_position_is_kept_equally_often(submission, length, ratio):
    """2000 samples: each position is kept with probability K/L in each, so its count is
    Binomial(2000, K/L). L checks: false rejection <= 16 * ALPHA = 1.6e-7."""
    kept = kept_sets(submission, 2000, length, ratio, seed=20 + length)
    k = keep_count(length, ratio)
    for pos, count in enumerate(kept.sum(0).tolist()):
        check_count(int(count), 2000, k / length,
                    f"number of samples (of 2000) keeping position {pos} of {length}")


def test_every_subset_is_equally_likely(submission):
    """2800 samples with L=8, K=3: each of the 56 subsets of kept positions has probability
    1/56, so its count is Binomial(2800, 1/56). 56 checks: false rejection <= 5.6e-7. A sampler
    with uniform marginals but structured sets (e.g. a contiguous block) fails it."""
    kept = kept_sets(submission, 2800, 8, 0.625, seed=30)
    codes = (kept.long() * (2 ** torch.arange(8))).sum(1)
    counts = torch.bincount(codes, minlength=256)
    for subset in itertools.combinations(range(8), 3):
        code = sum(2 ** i for i in subset)
        check_count(int(counts[code]), 2800, 1 / math.comb(8, 3),
                    f"number of samples (of 2800) keeping exactly positions {subset}")


def test_samples_are_masked_independently(submission):
    """3000 samples in pairs (2i, 2i+1), L=8, K=3: independent samples keep position l in both
    with probability (3/8)^2, and keep the same set with probability 1/56: Binomial(1500, 9/64)
    and Binomial(1500, 1/56). 9 checks: false rejection <= 9e-8."""
    kept = kept_sets(submission, 3000, 8, 0.625, seed=40)
    first, second = kept[0::2], kept[1::2]
    for pos in range(8):
        check_count(int((first[:, pos] & second[:, pos]).sum()), 1500, 9 / 64,
                    f"number of sample pairs (of 1500) both keeping position {pos}")
    check_count(int((first == second).all(1).sum()), 1500, 1 / 56,
                "number of sample pairs (of 1500) keeping the same set of positions")


# ------------------------------------------------------------------------------ the loss

def loss_inputs(b, length, p, seed, dtype=torch.float32):
    pred = randn(b, length, p, seed=seed, dtype=dtype)
    target = randn(b, length, p, seed=seed + 1, scale=2.0, dtype=dtype) + 0.5
    mask = (torch.rand(b, length, generator=generator(seed + 2)) < 0.6).to(dtype)
    mask[0, 0] = 1.0                                   # at least one removed patch
    return pred, target, mask


def loss_written_out(pred, target, mask, norm):
    """The statement's loss, term by term in float64."""
    b, length, p = pred.shape
    num = den = 0.0
    for i in range(b):
        for j in range(length):
            t = [float(v) for v in target[i, j]]
            if norm:
                mu = sum(t) / p
                var = sum((v - mu) ** 2 for v in t) / (p - 1)
                t = [(v - mu) / math.sqrt(var + 1e-6) for v in t]
            err = sum((float(pred[i, j, c]) - t[c]) ** 2 for c in range(p)) / p
            num += float(mask[i, j]) * err
            den += float(mask[i, j])
    return num / den


LOSS_CASES = [(4, 16, 12), (2, 9, 3), (1, 5, 2), (3, 7, 48)]
LOSS_IDS = ["B4-L16-P12", "B2-L9-P3", "B1-L5-P2", "B3-L7-P48"]


@pytest.mark.parametrize("norm", [False, True], ids=["pixels", "norm-pix"])
@pytest.mark.parametrize("b,length,p", LOSS_CASES, ids=LOSS_IDS)
def test_loss_matches_reference(submission, reference, b, length, p, norm):
    pred, target, mask = loss_inputs(b, length, p, seed=b * length + p)
    assert_close(submission.mae_loss(pred, target, mask, norm_pix_loss=norm),
                 reference.mae_loss(pred, target, mask, norm_pix_loss=norm),
                 name=f"loss (B={b}, L={length}, P={p}, norm_pix_loss={norm})")


@pytest.mark.parametrize("norm", [False, True], ids=["pixels", "norm-pix"])
def test_loss_matches_the_formula_written_out(submission, norm):
    pred, target, mask = loss_inputs(3, 6, 5, seed=50, dtype=torch.float64)
    assert_close(submission.mae_loss(pred, target, mask, norm_pix_loss=norm),
                 torch.tensor(loss_written_out(pred, target, mask, norm), dtype=torch.float64),
                 rtol=1e-9, atol=1e-11,
                 name=f"float64 loss against the formula written out (norm_pix_loss={norm})")


def test_loss_default_uses_raw_pixels(submission):
    pred, target, mask = loss_inputs(2, 6, 4, seed=51)
    assert_close(submission.mae_loss(pred, target, mask),
                 torch.tensor(loss_written_out(pred, target, mask, False), dtype=torch.float32),
                 name="loss called without norm_pix_loss (default False)")


def test_visible_patches_do_not_count(submission):
    pred, target, mask = loss_inputs(3, 8, 6, seed=52, dtype=torch.float64)
    changed = pred + 5.0 * (1 - mask).unsqueeze(-1)        # change predictions of kept patches
    for norm in (False, True):
        assert_close(submission.mae_loss(changed, target, mask, norm_pix_loss=norm),
                     submission.mae_loss(pred, target, mask, norm_pix_loss=norm),
                     rtol=1e-9, atol=1e-11,
                     name=f"loss after changing predictions on kept patches (norm_pix_loss={norm})")


def test_constant_target_patch_stays_finite(submission, reference):
    pred, target, mask = loss_inputs(2, 5, 4, seed=53)
    target[0, 0] = 3.0                                      # a constant (removed) patch
    mask[0, 0] = 1.0
    assert_close(submission.mae_loss(pred, target, mask, norm_pix_loss=True),
                 reference.mae_loss(pred, target, mask, norm_pix_loss=True),
                 name="normalised-target loss with a constant target patch")


def test_loss_gradient_on_predictions(submission, reference):
    pred, target, mask = loss_inputs(3, 6, 5, seed=54)

    def probe(m):
        pg = pred.clone().requires_grad_(True)
        m.mae_loss(pg, target, mask, norm_pix_loss=True).backward()
        return pg.grad if pg.grad is not None else torch.zeros_like(pred)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-7,
                 name="gradient of the normalised-target loss on pred")


def test_loss_inputs_are_not_modified(submission):
    pred, target, mask = loss_inputs(2, 5, 4, seed=55)
    call_unchanged(submission, "mae_loss", pred, target, mask, norm_pix_loss=True,
                   name="pred, target and mask after mae_loss")
