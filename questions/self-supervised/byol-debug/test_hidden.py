"""Hidden tests for byol-debug: the loss, the moving average, one step against the
specification, and learning. Models are built in probes (a module cannot cross the boundary);
what they return is checked here, and every "before" state comes from the same construction
run beside the trusted reference. The learning test recomputes its evidence from the returned
parameters with the test's own code."""

import pytest
import torch
import torch.nn.functional as F

from judge.testing import (
    assert_close,
    assert_like,
    expect,
    generator,
    load_state,
    randn,
    run_unchanged,
    state_of,
)

ONLINE = ("online_encoder", "online_projector")
TARGET = ("target_encoder", "target_projector")


# ------------------------------------------------------------------------------ helpers

def make_dataset(n_per_class, seed, k=4, size=8, max_shift=3, noise=0.3):
    """k classes of flattened 8x8 images: a class's +-1 pattern rolled to a random place, plus
    noise."""
    protos = torch.sign(torch.randn(k, size, size, generator=generator(1000)))
    g = generator(seed)
    labels = torch.arange(k).repeat_interleave(n_per_class)
    shifts = torch.randint(-max_shift, max_shift + 1, (labels.numel(), 2), generator=g)
    imgs = torch.stack([torch.roll(protos[y], (int(s[0]), int(s[1])), dims=(-2, -1))
                        for y, s in zip(labels, shifts, strict=True)])
    imgs = imgs + noise * torch.randn(imgs.shape, generator=g)
    return imgs.reshape(labels.numel(), size * size), labels


def augment(x, g, max_shift=2, noise=0.1, size=8):
    """A random view of every flattened image: a circular shift by up to max_shift on each axis,
    then Gaussian noise."""
    n = x.shape[0]
    shifts = torch.randint(-max_shift, max_shift + 1, (n, 2), generator=g)
    rows = (torch.arange(size)[None, :] - shifts[:, :1]) % size
    cols = (torch.arange(size)[None, :] - shifts[:, 1:]) % size
    idx = (rows[:, :, None] * size + cols[:, None, :]).reshape(n, size * size)
    return torch.gather(x, 1, idx) + noise * torch.randn(n, size * size, generator=g)


def perturbed_model(m, seed):
    """BYOL() after manual_seed(seed), with its online parameters moved away from the target's
    (a fresh model has online == target, where any moving average is a no-op)."""
    torch.manual_seed(seed)
    model = m.BYOL()
    g = generator(seed + 1)
    with torch.no_grad():
        for p in model.online_parameters():
            p.add_(0.2 * torch.randn(p.shape, generator=g))
    return model


def trusted_model(reference, state, name):
    return load_state(reference.BYOL(), state, name=name)


def pair_names(state):
    """(target key, online key) for every parameter of the target encoder and projector."""
    pairs = []
    for key in state:
        for t, o in zip(TARGET, ONLINE, strict=True):
            if key.startswith(t + ".") and (key.endswith(".weight") or key.endswith(".bias")):
                pairs.append((key, o + key[len(t):]))
    return pairs


def target_keys(state):
    return [t for t, _ in pair_names(state)]


def regression_written_out(p, z):
    pn = p / p.norm(dim=1, keepdim=True)
    zn = z / z.norm(dim=1, keepdim=True)
    return ((pn - zn) ** 2).sum(dim=1)


def byol_loss_of(model, x1, x2):
    """The statement's symmetrised loss of `model` (a trusted copy) on two views."""
    p1 = model.predictor(model.online_projector(model.online_encoder(x1)))
    p2 = model.predictor(model.online_projector(model.online_encoder(x2)))
    z1 = model.target_projector(model.target_encoder(x1))
    z2 = model.target_projector(model.target_encoder(x2))
    return float((regression_written_out(p1, z2) + regression_written_out(p2, z1)).mean())


# ------------------------------------------------------------------------------ the loss

@pytest.mark.parametrize("n,d", [(8, 16), (1, 4), (5, 3)], ids=["N8-D16", "N1-D4", "N5-D3"])
def test_regression_loss_matches_the_formula(submission, n, d):
    p = randn(n, d, seed=n * d, scale=3.0)
    z = randn(n, d, seed=n * d + 1, scale=0.2)
    assert_close(submission.regression_loss(p, z), regression_written_out(p, z),
                 name=f"per-sample loss (N={n}, D={d}) against ||p/|p| - z/|z| ||^2")


def test_regression_loss_depends_on_angles_only(submission):
    p, z = randn(6, 5, seed=3, dtype=torch.float64), randn(6, 5, seed=4, dtype=torch.float64)
    s = torch.tensor([[0.01], [3.0], [100.0], [0.5], [7.0], [1.0]], dtype=torch.float64)
    got = submission.regression_loss(p * s, z / s)
    assert_close(got, regression_written_out(p, z), rtol=1e-9, atol=1e-12,
                 name="float64 per-sample loss after rescaling the rows by positive numbers")
    assert_close(submission.regression_loss(p, -2.0 * p), torch.full((6,), 4.0, dtype=torch.float64),
                 rtol=1e-9, atol=1e-12, name="per-sample loss of opposite vectors (4)")


# ------------------------------------------------------------------------------ the model

def test_features_after_a_step(submission, reference):
    """features(x), the representation used downstream, is the online encoder's output: its
    values and its gradient on the online encoder's parameters, after one byol_step."""
    x1, x2 = step_inputs(42)
    x, _ = make_dataset(2, 40)                        # 8 other images

    def probe(m):
        model = perturbed_model(m, 42)
        m.byol_step(model, x1, x2, torch.optim.SGD(model.online_parameters(), lr=0.5), 0.9)
        model.eval()
        model.zero_grad()
        f = model.features(x)
        f.pow(2).sum().backward()
        return {"features": f.detach(),
                "grads": [p.grad for p in model.online_encoder.parameters()]}

    assert_close(submission.run(probe), reference.run(probe),
                 name="features(x) after one byol_step (evaluation mode), and the gradient of "
                      "their squared sum on the online encoder's parameters")


# ------------------------------------------------------------------------------ the EMA

@pytest.mark.parametrize("tau", [0.9, 0.99, 0.0], ids=["tau0.9", "tau0.99", "tau0"])
def test_ema_update(submission, reference, tau):
    def build(m):
        return state_of(perturbed_model(m, 10))

    def probe(m):
        model = perturbed_model(m, 10)
        m.ema_update(model, tau)
        return state_of(model)

    before = reference.run(build)
    after = submission.run(probe)
    assert_like(after, before, name="model state after ema_update")
    expected = dict(before)
    for t, o in pair_names(before):
        expected[t] = tau * before[t] + (1 - tau) * before[o]
    assert_close({k: after[k] for k in target_keys(before)},
                 {k: expected[k] for k in target_keys(before)}, rtol=1e-5, atol=1e-6,
                 name=f"target parameters after ema_update (tau={tau})")
    others = [k for k in before if k not in target_keys(before)]
    assert_close({k: after[k] for k in others}, {k: before[k] for k in others}, rtol=0.0,
                 atol=1e-7, name="online parameters, predictor and buffers after ema_update "
                                 "(unchanged)")


# ------------------------------------------------------------------------------ one step

def step_inputs(seed):
    x, _ = make_dataset(4, seed)                      # 16 images
    g = generator(seed + 1)
    return augment(x, g), augment(x, g)


def one_step(seed, tau=0.9, lr=0.5, steps=1):
    x1, x2 = step_inputs(seed)

    def probe(m):
        return step_probe(m, x1, x2, seed, tau, lr, steps)

    return probe


def step_probe(m, x1, x2, seed, tau=0.9, lr=0.5, steps=1):
    """byol_step on a perturbed model that arrives in evaluation mode, with plain SGD over the
    online parameters; the losses, the state after the last step and the target's gradients."""
    model = perturbed_model(m, seed)
    model.eval()
    opt = torch.optim.SGD(model.online_parameters(), lr=lr)
    losses = [m.byol_step(model, x1, x2, opt, tau) for _ in range(steps)]
    grads = [p.grad for name, p in model.named_parameters() if name.startswith(TARGET)]
    return {"loss": losses[0], "losses": losses, "state": state_of(model), "target_grads": grads}


@pytest.mark.parametrize("seed,tau", [(20, 0.9), (21, 0.99)], ids=["tau0.9", "tau0.99"])
def test_step_matches_reference(submission, reference, seed, tau):
    x1, x2 = step_inputs(seed)

    def probe(m, x1, x2):
        return step_probe(m, x1, x2, seed, tau, steps=2)

    got = run_unchanged(submission, probe, x1, x2, name="x1 and x2 after byol_step")
    want = reference.run(one_step(seed, tau, steps=2))
    expect(isinstance(got, dict) and set(got) == set(want), "what the probe returns", prop="keys")
    assert_close(got["losses"], want["losses"], name="losses returned by two calls of byol_step")
    assert_close(got["state"], want["state"], rtol=1e-4, atol=1e-6,
                 name="model state after two steps (online, predictor, target, batch-norm "
                      "statistics)")


def test_step_returns_the_loss_of_the_specification(submission, reference):
    x1, x2 = step_inputs(22)

    def build(m):
        return state_of(perturbed_model(m, 22))

    got = submission.run(one_step(22))["loss"]
    expect(isinstance(got, float), "byol_step returns a Python float", f"got {type(got).__name__}",
           prop="type")
    model = trusted_model(reference, reference.run(build), "initial state")
    model.train()
    with torch.no_grad():
        expected = byol_loss_of(model, x1, x2)
    assert_close(got, expected, name="loss of the step, recomputed by the test from the "
                                     "initial model (symmetrised, normalised, target without "
                                     "predictor)")


def test_step_updates_the_target_after_the_online_network(submission, reference):
    def build(m):
        return state_of(perturbed_model(m, 23))

    before = reference.run(build)
    after = submission.run(one_step(23, tau=0.8))["state"]
    assert_like(after, before, name="model state after one step")
    expected = {t: 0.8 * before[t] + 0.2 * after[o] for t, o in pair_names(before)}
    assert_close({t: after[t] for t in expected}, expected, rtol=1e-5, atol=1e-6,
                 name="target parameters after the step (tau * old target + (1 - tau) * "
                      "updated online)")


def test_step_gives_the_target_no_gradient(submission):
    grads = submission.run(one_step(24))["target_grads"]
    received = [g is not None and bool((g != 0).any()) for g in grads]
    expect(len(grads) > 0 and not any(received), "gradients of the target parameters after "
           "byol_step", f"{sum(received)} target parameter(s) hold a nonzero gradient; none may")


# ------------------------------------------------------------------------------ learning

def probe_accuracy(ftr, ytr, fte, yte, k=4, steps=300, lr=0.5):
    """Logistic regression on standardised features (full-batch gradient descent, fixed steps,
    written out here); accuracy on the held-out features."""
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


def test_byol_learns_useful_features(submission, reference):
    seed, steps = 0, 200
    xssl, _ = make_dataset(16, seed + 3)              # 64 unlabelled images, sent in

    def probe(m):
        torch.manual_seed(seed)
        model = m.BYOL()
        opt = torch.optim.Adam(model.online_parameters(), lr=1e-2)
        g = generator(seed + 7)
        states = {"0": state_of(model)}
        for _ in range(steps):
            m.byol_step(model, augment(xssl, g), augment(xssl, g), opt, 0.9)
        states[str(steps)] = state_of(model)
        return states

    def initial(m):
        torch.manual_seed(seed)
        return state_of(m.BYOL())

    states = submission.run(probe)
    expect(isinstance(states, dict) and set(states) == {"0", str(steps)},
           "model states returned at steps 0 and 200", prop="keys")
    assert_close(states["0"], reference.run(initial), rtol=0.0, atol=0.0,
                 name="model state at step 0 (BYOL as given, initialised after manual_seed)")
    xtr, ytr = make_dataset(16, 31)
    xte, yte = make_dataset(64, 32)
    found = {}
    for key, state in states.items():
        model = trusted_model(reference, state, f"model state at step {key}").eval()
        g = generator(99)
        with torch.no_grad():
            loss = sum(byol_loss_of(model, augment(xte, g), augment(xte, g)) for _ in range(4)) / 4
            proj = F.normalize(model.online_projector(model.online_encoder(xte)), dim=1)
            acc = probe_accuracy(model.features(xtr), ytr, model.features(xte), yte)
        found[key] = (loss, float(proj.std(0).mean()), acc)
    (l0, _, a0), (l1, spread, a1) = found["0"], found[str(steps)]
    expect(l1 < 0.5 * l0, "BYOL loss on held-out views after 200 steps, recomputed by the test",
           f"{l0:.3f} at step 0, {l1:.3f} at step 200; less than half is required")
    expect(spread > 0.05, "spread of the normalised online projections after 200 steps "
           "(no collapse)", f"mean per-dimension std {spread:.4f}; above 0.05 is required")
    expect(a1 >= a0 + 0.10, "linear-probe accuracy of the trained encoder, recomputed by the test",
           f"held-out accuracy {a1:.2f} after 200 steps vs {a0:.2f} at initialisation; "
           f"training must add at least 0.10")
