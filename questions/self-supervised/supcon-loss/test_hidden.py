"""Hidden tests for supcon-loss: the reference, the formula written out term by term, the
special cases the statement pins (no positive, NT-Xent), stability, gradients and invariances."""

import math

import pytest
import torch

from judge.testing import assert_close, call_unchanged, randn


def make_batch(n, v, d, seed, dtype=torch.float32, spread=1.0):
    """Features (N, V, D) whose views share a per-sample signal (rows of varied norm)."""
    base = randn(n, 1, d, seed=seed, dtype=torch.float64)
    noise = randn(n, v, d, seed=seed + 1, dtype=torch.float64)
    scale = 0.5 + randn(n, v, 1, seed=seed + 2, dtype=torch.float64).abs()
    return ((base + spread * noise) * scale).to(dtype)


def written_out(features, labels, tau):
    """L_out averaged over the anchors with a positive, computed term by term in float64."""
    n, v, _ = features.shape
    vecs, ys = [], []
    for i in range(n):
        for k in range(v):
            x = features[i, k].double()
            vecs.append(x / x.norm().clamp_min(1e-12))
            ys.append(int(labels[i]))
    terms = []
    for i in range(len(vecs)):
        others = [a for a in range(len(vecs)) if a != i]
        positives = [p for p in others if ys[p] == ys[i]]
        if not positives:
            continue
        s = {a: float(vecs[i] @ vecs[a]) / tau for a in others}
        top = max(s.values())
        log_den = top + math.log(sum(math.exp(s[a] - top) for a in others))
        terms.append(-sum(s[p] - log_den for p in positives) / len(positives))
    return sum(terms) / len(terms) if terms else 0.0


def nt_xent_written_out(features, tau):
    """NT-Xent (Chen et al., 2020) of two views (N, 2, D): 2N anchors, one partner each."""
    n = features.shape[0]
    u = torch.cat([features[:, 0], features[:, 1]]).double()
    u = u / u.norm(dim=1, keepdim=True)
    sim = u @ u.t() / tau
    total = 0.0
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        others = torch.cat([sim[i, :i], sim[i, i + 1:]])
        total += float(torch.logsumexp(others, 0) - sim[i, j])
    return total / (2 * n)


CASES = [  # N, V, D, tau, labels
    (8, 2, 16, 0.1, [0, 1, 2, 0, 1, 2, 0, 1]),
    (6, 3, 5, 0.5, [3, 3, 9, 9, 9, 3]),
    (10, 1, 8, 0.2, [0, 0, 1, 2, 2, 2, 3, 4, 5, 5]),     # anchors 1, 3, 4 have no positive
    (1, 4, 3, 0.3, [7]),                                 # positives only, no negative
    (5, 2, 4, 1.0, [10, 11, 12, 13, 14]),                # distinct labels: NT-Xent
    (7, 2, 6, 0.07, [1, 1, 1, 2, 4, 4, 8]),
]
IDS = ["N8-V2", "N6-V3", "N10-V1-singletons", "N1-V4", "N5-V2-distinct", "N7-V2-t0.07"]


@pytest.mark.parametrize("n,v,d,tau,labels", CASES, ids=IDS)
def test_matches_reference(submission, reference, n, v, d, tau, labels):
    f = make_batch(n, v, d, seed=n * 10 + v)
    y = torch.tensor(labels)
    assert_close(submission.supcon_loss(f, y, tau), reference.supcon_loss(f, y, tau),
                 name=f"loss (N={n}, V={v}, D={d}, tau={tau})")


@pytest.mark.parametrize("n,v,d,tau,labels", CASES[:4], ids=IDS[:4])
def test_matches_the_formula_written_out(submission, n, v, d, tau, labels):
    f = make_batch(n, v, d, seed=n * 10 + v + 1, dtype=torch.float64)
    y = torch.tensor(labels)
    assert_close(submission.supcon_loss(f, y, tau),
                 torch.tensor(written_out(f, y, tau), dtype=torch.float64), rtol=1e-7, atol=1e-9,
                 name=f"loss against L_out written term by term (N={n}, V={v}, float64)")


def test_anchors_without_positive_are_left_out(submission):
    f = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0], [-1.0, 0.5]]).reshape(4, 1, 2)
    y = torch.tensor([0, 0, 1, 2])
    assert_close(submission.supcon_loss(f, y, 0.5),
                 torch.tensor(written_out(f, y, 0.5), dtype=torch.float32),
                 name="loss with two anchors that have no positive (they are left out of the mean)")


def test_tiny_vector_is_normalised_with_eps_1e_12(submission):
    # one vector of norm 1.5e-12, above the eps of F.normalize: it still becomes a unit vector
    f = make_batch(4, 2, 3, seed=39, dtype=torch.float64)
    f[1, 0] = f[1, 0] / f[1, 0].norm() * 1.5e-12
    y = torch.tensor([0, 1, 0, 1])
    assert_close(submission.supcon_loss(f, y, 0.5),
                 torch.tensor(written_out(f, y, 0.5), dtype=torch.float64), rtol=1e-7, atol=1e-9,
                 name="loss with one vector of norm 1.5e-12 (normalised as F.normalize, eps 1e-12)")

def test_reduces_to_nt_xent_with_distinct_labels(submission):
    f = make_batch(6, 2, 5, seed=40, dtype=torch.float64)
    assert_close(submission.supcon_loss(f, torch.arange(6) * 3, 0.5),
                 torch.tensor(nt_xent_written_out(f, 0.5), dtype=torch.float64), rtol=1e-7,
                 atol=1e-9, name="loss with V=2 and all labels distinct (NT-Xent)")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_no_positive_anywhere_gives_zero(submission, dtype):
    f = make_batch(5, 1, 4, seed=41, dtype=dtype)
    assert_close(submission.supcon_loss(f, torch.tensor([4, 0, 2, 9, 1]), 0.3),
                 torch.zeros((), dtype=dtype),
                 name=f"loss when no anchor has a positive (V=1, distinct labels, {dtype})")
    assert_close(submission.supcon_loss(f[:1], torch.tensor([4]), 0.3), torch.zeros((), dtype=dtype),
                 name=f"loss of a single vector (N=1, V=1, {dtype})")


@pytest.mark.parametrize("tau", [0.01, 0.005], ids=["t0.01", "t0.005"])
def test_small_temperature_stays_finite(submission, reference, tau):
    centres = randn(3, 1, 8, seed=42)
    f = (centres.repeat_interleave(3, 0) + 0.02 * randn(9, 2, 8, seed=43)).contiguous()
    y = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    assert_close(submission.supcon_loss(f, y, tau), reference.supcon_loss(f, y, tau),
                 name=f"loss at temperature {tau} (similarities / tau near {1 / tau:.0f}, float32)")


def test_float64_is_kept(submission):
    f = make_batch(7, 2, 6, seed=44, dtype=torch.float64)
    y = torch.tensor([0, 1, 0, 1, 2, 2, 0])
    assert_close(submission.supcon_loss(f, y, 0.2),
                 torch.tensor(written_out(f, y, 0.2), dtype=torch.float64), rtol=1e-9, atol=1e-11,
                 name="loss on float64 features (float64 result, full precision)")


def test_gradient_matches_reference(submission, reference):
    def probe(m):
        f = make_batch(6, 2, 5, seed=45).requires_grad_(True)
        m.supcon_loss(f, torch.tensor([0, 1, 1, 2, 0, 3]), 0.2).backward()
        return f.grad if f.grad is not None else torch.zeros(6, 2, 5)

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-6,
                 name="gradient of the loss with respect to the features")


def test_invariant_to_rescaling_each_vector(submission):
    f = make_batch(6, 3, 4, seed=46, dtype=torch.float64)
    y = torch.tensor([1, 2, 1, 2, 1, 5])
    scale = 0.01 + 50.0 * torch.rand(6, 3, 1, generator=torch.Generator().manual_seed(47),
                                     dtype=torch.float64)
    assert_close(submission.supcon_loss(f * scale, y, 0.3), submission.supcon_loss(f, y, 0.3),
                 rtol=1e-7, atol=1e-9,
                 name="loss after rescaling every vector by a positive number (cosine similarity)")


def test_invariant_to_order_and_label_names(submission):
    f = make_batch(8, 2, 5, seed=48, dtype=torch.float64)
    y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 3])
    perm = torch.tensor([5, 2, 7, 0, 3, 1, 6, 4])
    renamed = torch.tensor([40, -3, 7, 1000])[y]            # a bijection of the label values
    base = submission.supcon_loss(f, y, 0.4)
    assert_close(submission.supcon_loss(f[perm], y[perm], 0.4), base, rtol=1e-7, atol=1e-9,
                 name="loss after permuting the samples together with their labels")
    assert_close(submission.supcon_loss(f.flip(1), y, 0.4), base, rtol=1e-7, atol=1e-9,
                 name="loss after swapping the two views of every sample")
    assert_close(submission.supcon_loss(f, renamed, 0.4), base, rtol=1e-7, atol=1e-9,
                 name="loss after renaming the label values (arbitrary integers)")


def test_inputs_are_not_modified(submission):
    f = make_batch(5, 2, 4, seed=49)
    call_unchanged(submission, "supcon_loss", f, torch.tensor([0, 1, 0, 1, 2]), 0.1,
                   name="features and labels after supcon_loss")
