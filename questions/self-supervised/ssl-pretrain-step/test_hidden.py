"""Hidden tests for ssl-pretrain-step: loss, augmentation behaviour, the step, learning."""

import pytest
import torch
import torch.nn.functional as F

from judge.testing import (assert_close, assert_like, binomial_bounds, expect, generator, load_state,
                           make_embeddings, run_unchanged, state_of)

ALPHA = 1e-8   # false-rejection probability of one count check (exact Binomial bounds)


def make_dataset(n_per_class, seed, k=4, size=8, max_shift=3, noise=0.3):
    """k classes; each image is its class's +-1 pattern rolled to a random place, plus noise."""
    protos = torch.sign(torch.randn(k, 1, size, size, generator=generator(1000)))
    g = generator(seed)
    labels = torch.arange(k).repeat_interleave(n_per_class)
    shifts = torch.randint(-max_shift, max_shift + 1, (labels.numel(), 2), generator=g)
    imgs = torch.stack([torch.roll(protos[y], (int(s[0]), int(s[1])), dims=(-2, -1))
                        for y, s in zip(labels, shifts)])
    return imgs + noise * torch.randn(imgs.shape, generator=g), labels


def fixed_augment(images, generator, max_shift=2, noise_std=0.1):
    """A stand-in augmentation for exact comparisons of the step (noise only)."""
    return images + 0.3 * torch.randn(images.shape, generator=generator, dtype=images.dtype)


def pretrain_states(submission, seed, steps=80, checkpoints=(40, 80)):
    """Pretrain in the sandbox and return what was learned: the model's state (parameters and
    buffers) at step 0 and at the checkpoints. Nothing else the sandbox computes is used: the
    tests recompute losses and features from these states with their own code."""
    xssl, _ = make_dataset(32, seed + 3)             # built here, sent in

    def probe(m):
        torch.manual_seed(seed)
        model = m.SSLModel()
        opt = torch.optim.Adam(model.parameters(), lr=5e-3)
        g = generator(seed + 7)
        states = {"0": state_of(model)}
        for step in range(1, steps + 1):
            m.ssl_step(model, xssl, opt, g, 0.5)
            if step in checkpoints:
                states[str(step)] = state_of(model)
        return states

    states = submission.run(probe)
    expect(isinstance(states, dict) and set(states) == {"0", *map(str, checkpoints)},
           "model states returned at the checkpoints", prop="keys")
    return states


def trusted_model(reference, state, name):
    """The task's fixed SSLModel (the trusted copy) holding a returned state, after checking its
    keys, shapes, dtypes and finiteness."""
    model = load_state(reference.SSLModel(), state, name=name)
    model.eval()
    return model


def initial_state(reference, seed):
    torch.manual_seed(seed)
    return state_of(reference.SSLModel())


def contrastive_loss(model, images, seed, pairs=4):
    """NT-Xent of `model` on fixed views (the trusted augmentation), averaged over view pairs."""
    total = 0.0
    g = generator(seed)
    with torch.no_grad():
        for _ in range(pairs):
            v1, v2 = trusted_augment(images, g), trusted_augment(images, g)
            total += float(nt_xent_written_out(model(v1), model(v2), 0.5))
    return total / pairs


def trusted_augment(images, g, max_shift=2, noise_std=0.1):
    """The statement's augmentation, written here: per image a circular shift, a flip with
    probability 1/2, then Gaussian noise."""
    n = images.shape[0]
    shifts = torch.randint(-max_shift, max_shift + 1, (n, 2), generator=g)
    flips = torch.rand(n, generator=g) < 0.5
    out = torch.stack([torch.roll(images[i], (int(shifts[i, 0]), int(shifts[i, 1])), dims=(-2, -1))
                       for i in range(n)])
    out = torch.where(flips[:, None, None, None], out.flip(-1), out)
    return out + noise_std * torch.randn(out.shape, generator=g)


def nt_xent_written_out(z1, z2, tau):
    n = z1.shape[0]
    u = F.normalize(torch.cat([z1, z2]).double(), dim=1)
    sim = u @ u.t() / tau
    total = 0.0
    for i in range(2 * n):
        j = (i + n) % (2 * n)
        others = torch.cat([sim[i, :i], sim[i, i + 1:]])
        total += float(torch.logsumexp(others, 0) - sim[i, j])
    return total / (2 * n)


def probe_accuracy(ftr, ytr, fte, yte, k=4, steps=300, lr=0.5):
    """Logistic regression on standardised features (full-batch gradient descent, fixed
    steps, written out by hand); accuracy on the held-out features."""
    mu, sd = ftr.mean(0), ftr.std(0) + 1e-6
    ftr, fte = (ftr - mu) / sd, (fte - mu) / sd
    w = torch.zeros(ftr.shape[1], k)
    b = torch.zeros(k)
    onehot = F.one_hot(ytr, k).to(ftr.dtype)
    for _ in range(steps):
        err = (torch.softmax(ftr @ w + b, 1) - onehot) / ftr.shape[0]
        w -= lr * ftr.t() @ err
        b -= lr * err.sum(0)
    return ((fte @ w + b).argmax(1) == yte).float().mean().item()


# ------------------------------------------------------------------------------ the loss

@pytest.mark.parametrize("n,d,tau", [(8, 16, 0.5), (3, 4, 0.1)], ids=["N8-D16-t0.5", "N3-D4-t0.1"])
def test_nt_xent_matches_reference(submission, reference, n, d, tau):
    z1, z2 = make_embeddings(n, d, seed=n), make_embeddings(n, d, seed=n + 50)
    assert_close(submission.nt_xent(z1, z2, tau), reference.nt_xent(z1, z2, tau),
                 name="NT-Xent (2N anchors, 2N-2 negatives each, cosine similarity)")


def test_nt_xent_single_pair_is_zero(submission):
    z1, z2 = make_embeddings(1, 5, seed=1), make_embeddings(1, 5, seed=2)
    assert_close(submission.nt_xent(z1, z2, 0.5), torch.tensor(0.0), atol=1e-6,
                 name="NT-Xent with N=1 (no negatives, the anchor itself excluded)")


def test_nt_xent_default_temperature_is_0_5(submission):
    z1, z2 = make_embeddings(5, 4, seed=25), make_embeddings(5, 4, seed=26)
    assert_close(submission.nt_xent(z1, z2),
                 torch.tensor(nt_xent_written_out(z1, z2, 0.5), dtype=torch.float32),
                 name="NT-Xent with the default temperature")

def test_nt_xent_small_temperature_float64(submission, reference):
    z1 = make_embeddings(4, 6, seed=3, dtype=torch.float64)
    z2 = z1 + 0.01 * make_embeddings(4, 6, seed=4, dtype=torch.float64)
    assert_close(submission.nt_xent(z1, z2, 0.001), reference.nt_xent(z1, z2, 0.001), rtol=1e-6,
                 name="NT-Xent in float64 at temperature 0.001")


# ------------------------------------------------------------------------------ augment

def test_augment_keeps_shape_dtype_and_input(submission):
    x = torch.randn(5, 1, 8, 8, generator=generator(5), dtype=torch.float64)

    def probe(m, x):
        return m.augment(x, generator(6))

    out = run_unchanged(submission, probe, x, name="images after augment")
    assert_like(out, x, name="augment's view of float64 images (shape and dtype of the input)")


def test_augment_is_reproducible_and_random(submission):
    def probe(m):
        x = torch.randn(6, 1, 8, 8, generator=generator(7))
        g = generator(8)
        return m.augment(x, generator(8)), m.augment(x, generator(8)), m.augment(x, g), m.augment(x, g)

    a1, a2, v1, v2 = submission.run(probe)
    assert_close(a1, a2, rtol=0.0, atol=0.0, name="two views from equally seeded generators")
    assert not torch.allclose(v1, v2), "two successive views from one generator should differ"


def test_noise_free_views_are_shifts_or_flips_of_each_image(submission):
    x = torch.randn(12, 1, 6, 7, generator=generator(9))

    def probe(m):
        return m.augment(x, generator(10), max_shift=2, noise_std=0.0)

    out = submission.run(probe)
    for i in range(12):
        cands = [torch.roll(x[i], (dy, dx), dims=(-2, -1)) for dy in range(-2, 3)
                 for dx in range(-2, 3)]
        cands += [c.flip(-1) for c in cands]
        assert any(torch.allclose(out[i], c, atol=1e-6) for c in cands), (
            f"noise-free view of image {i} is not a circular shift by at most 2 "
            f"(then possibly a left-right flip) of that image")


def test_shifts_and_flips_are_drawn_per_image_uniformly(submission):
    """2000 noise-free views of a two-pixel 5x5 image: where pixel 1 lands gives the shift, on
    which side pixel 2 sits gives the flip. dy and dx are each uniform on -2..2 (count of each
    value Binomial(2000, 1/5)) and the flip has probability 1/2 (Binomial(2000, 1/2)), per image.
    11 cells at ALPHA = 1e-8: false rejection <= 1.1e-7. One draw per batch fails it."""
    n = 2000
    x = torch.zeros(n, 1, 5, 5)
    x[:, 0, 0, 0], x[:, 0, 0, 1] = 1.0, 2.0

    def probe(m):
        return m.augment(x, generator(11), max_shift=2, noise_std=0.0)

    out = submission.run(probe)
    assert_like(out, x, name="views of 2000 noise-free images")
    flat = out.reshape(n, 25)
    one, two = (flat == 1.0).float().argmax(1), (flat == 2.0).float().argmax(1)
    expect(bool(((flat == 1.0).sum(1) == 1).all() and ((flat == 2.0).sum(1) == 1).all()
                and ((flat == 0.0).sum(1) == 23).all()),
           "noise-free views", "a view is not a shift or flip of its image (pixels changed)")
    row, col, col2 = one // 5, one % 5, two % 5
    flipped = col2 == (col - 1) % 5
    expect(bool((flipped | (col2 == (col + 1) % 5)).all()) and bool(((two // 5) == row).all()),
           "noise-free views", "a view is not a shift or flip of its image")
    dx = torch.where(flipped, 4 - col, col)          # the column of pixel 1 before the flip
    lo, hi = binomial_bounds(n, 0.5, ALPHA)
    expect(lo <= int(flipped.sum()) <= hi, "number of flipped views",
           f"{int(flipped.sum())} of {n}; outside [{lo}, {hi}] has probability below {ALPHA:g}")
    lo, hi = binomial_bounds(n, 0.2, ALPHA)
    for what, values in (("vertical", row), ("horizontal", dx)):
        counts = torch.bincount(values, minlength=5)
        for v in range(5):
            expect(lo <= int(counts[v]) <= hi, f"number of views with {what} shift {v} (mod 5)",
                   f"{int(counts[v])} of {n}; outside [{lo}, {hi}] has probability below {ALPHA:g}")


def test_augment_defaults_are_max_shift_2_and_noise_std_0_1(submission):
    """2000 views with the default max_shift and noise_std of a 7x7 image holding 10 at (0, 0)
    and 20 at (0, 1), zero elsewhere. The two bright pixels give the shift and the flip (noise
    of std 0.1 cannot hide them); on 7 columns a shift of 3 is told from one of -2. Each of the
    5 shifts -2..2 per axis is Binomial(2000, 1/5): 10 cells at ALPHA, and no other shift may
    occur. The 47 other pixels of each view are pure noise (94000 values): mean within 0.005 of
    0 (15 standard errors) and standard deviation within 5% of 0.1 (chi-square Chernoff bound
    below 1e-50). False rejection <= 1e-7."""
    n = 2000
    x = torch.zeros(n, 1, 7, 7)
    x[:, 0, 0, 0], x[:, 0, 0, 1] = 10.0, 20.0

    def probe(m):
        return m.augment(x, generator(27))

    out = submission.run(probe)
    assert_like(out, x, name="views of 2000 images with the default max_shift and noise_std")
    flat = out.reshape(n, 49)
    one, two = (flat - 10.0).abs().argmin(1), (flat - 20.0).abs().argmin(1)
    bright = (flat > 5.0).sum(1)
    row, col, col2 = one // 7, one % 7, two % 7
    flipped = col2 == (col - 1) % 7
    expect(bool((bright == 2).all()) and bool(((two // 7) == row).all())
           and bool((flipped | (col2 == (col + 1) % 7)).all()),
           "views with the default arguments", "a view is not a shift or flip of its image")
    dx = torch.where(flipped, 6 - col, col)          # the column of pixel 1 before the flip
    lo, hi = binomial_bounds(n, 0.2, ALPHA)
    for what, values in (("vertical", row), ("horizontal", dx)):
        counts = torch.bincount(values, minlength=7)
        expect(int(counts[3]) + int(counts[4]) == 0, f"{what} shifts with the default max_shift",
               f"{int(counts[3]) + int(counts[4])} of {n} views shifted by 3 (mod 7)")
        for v in (0, 1, 2, 5, 6):
            expect(lo <= int(counts[v]) <= hi,
                   f"number of views with {what} shift {v} (mod 7) with the default max_shift",
                   f"{int(counts[v])} of {n}; outside [{lo}, {hi}] has probability below {ALPHA:g}")
    keep = torch.ones(n, 49, dtype=torch.bool)
    keep[torch.arange(n), one] = False
    keep[torch.arange(n), two] = False
    noise = flat[keep].double()
    mean, std = float(noise.mean()), float(noise.std())
    expect(abs(mean) < 0.005 and abs(std - 0.1) < 0.005,
           "mean and std of the noise with the default noise_std",
           f"mean {mean:.4f}, std {std:.4f}; the default noise_std asks for mean 0 and std 0.1")

def test_noise_has_the_stated_std(submission):
    """12800 noise values (shift- and flip-invariant images): their mean is within 0.02 of 0
    (9 standard errors: probability below 1e-18) and their standard deviation within 5% of
    0.25 (chi-square Chernoff bound: below 1e-13). False rejection < 1e-12."""
    x = torch.full((200, 1, 8, 8), 0.7)

    def probe(m):
        return m.augment(x, generator(12), max_shift=2, noise_std=0.25)

    out = submission.run(probe)
    assert_like(out, x, name="views of constant images")
    noise = (out - 0.7).double()
    mean, std = float(noise.mean()), float(noise.std())
    expect(abs(mean) < 0.02 and abs(std - 0.25) < 0.0125, "mean and std of the added noise",
           f"mean {mean:.4f}, std {std:.4f}; noise_std=0.25 asks for mean 0 and std 0.25")


# ------------------------------------------------------------------------------ the step

def test_step_matches_reference_with_a_fixed_augmentation(submission, reference):
    def probe(m):
        saved = m.augment
        m.augment = fixed_augment
        try:
            torch.manual_seed(13)
            model = m.SSLModel()
            opt = torch.optim.SGD(model.parameters(), lr=0.5)
            x, _ = make_dataset(3, 14)
            g = generator(15)
            losses = [m.ssl_step(model, x, opt, g, 0.5) for _ in range(2)]
        finally:
            m.augment = saved
        return {"losses": losses, "params": [p.detach().clone() for p in model.parameters()]}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["losses"], want["losses"],
                 name="losses of two steps with a stand-in augment (views drawn by augment, "
                      "loss of model(v1), model(v2))")
    assert_close(got["params"], want["params"],
                 name="parameters after two steps (gradients through both views, zeroed "
                      "between steps)")


def test_step_default_temperature(submission, reference):
    def probe(m):
        saved = m.augment
        m.augment = fixed_augment
        try:
            torch.manual_seed(33)
            model = m.SSLModel()
            opt = torch.optim.SGD(model.parameters(), lr=0.5)
            x, _ = make_dataset(3, 34)
            loss = m.ssl_step(model, x, opt, generator(35))
        finally:
            m.augment = saved
        return {"loss": loss, "params": [p.detach().clone() for p in model.parameters()]}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got, want, name="loss and parameters of a step with the default temperature "
                                 "(stand-in augment)")


def test_step_puts_the_model_in_training_mode(submission, reference):
    def probe(m):
        class ModeDependent(m.SSLModel):
            """SSLModel whose projections move by 1 outside training mode."""

            def forward(self, x):
                out = m.SSLModel.forward(self, x)
                return out if self.training else out + 1.0

        saved = m.augment
        m.augment = fixed_augment
        try:
            torch.manual_seed(36)
            model = ModeDependent()
            model.eval()
            opt = torch.optim.SGD(model.parameters(), lr=0.5)
            x, _ = make_dataset(3, 37)
            loss = m.ssl_step(model, x, opt, generator(38), 0.5)
        finally:
            m.augment = saved
        return {"loss": loss, "params": [p.detach().clone() for p in model.parameters()]}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got, want, name="loss and parameters of a step on a model handed over in eval "
                                 "mode, whose output depends on the mode (stand-in augment)")

def test_step_leaves_images_unchanged(submission):
    x, _ = make_dataset(2, 17)

    def probe(m, x):
        torch.manual_seed(16)
        model = m.SSLModel()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        m.ssl_step(model, x, opt, generator(18), 0.5)

    run_unchanged(submission, probe, x, name="images after ssl_step")


def test_loss_falls_during_pretraining(submission, reference):
    states = pretrain_states(submission, 20)
    assert_close(states["0"], initial_state(reference, 20), rtol=0.0, atol=0.0,
                 name="model state at step 0 (SSLModel as given, initialised after manual_seed)")
    images, _ = make_dataset(32, 23)
    losses = {k: contrastive_loss(trusted_model(reference, v, f"model state at step {k}"), images, 24)
              for k, v in states.items()}
    expect(losses["80"] < 0.95 * losses["0"],
           "contrastive loss of the model after 80 steps, recomputed by the test on fixed views",
           f"loss {losses['0']:.3f} at step 0, {losses['40']:.3f} at step 40, "
           f"{losses['80']:.3f} at step 80; at least a 5% fall is required")


def test_pretrained_features_beat_random_features_under_a_linear_probe(submission, reference):
    states = pretrain_states(submission, 30, checkpoints=(80,))
    assert_close(states["0"], initial_state(reference, 30), rtol=0.0, atol=0.0,
                 name="model state at step 0 (SSLModel as given, initialised after manual_seed)")
    xtr, ytr = make_dataset(16, 31)
    xte, yte = make_dataset(64, 32)
    acc = {}
    for k in ("0", "80"):
        model = trusted_model(reference, states[k], f"model state at step {k}")
        with torch.no_grad():
            acc[k] = probe_accuracy(model.features(xtr), ytr, model.features(xte), yte)
    expect(acc["80"] >= acc["0"] + 0.10,
           "linear-probe accuracy of the pretrained encoder, recomputed by the test",
           f"held-out accuracy {acc['80']:.2f} after 80 steps vs {acc['0']:.2f} at "
           f"initialisation; pretraining must add at least 0.10")
