"""Hidden tests for ewc-penalty: the empirical Fisher against a closed form written in the test
(softmax regression), against the reference on an MLP, its reductions and keys; the penalty against
the formula, its gradient, constants and dtypes; nothing modified."""

import pytest
import torch
import torch.nn as nn

from judge.testing import assert_close, generator, make_labels, randn, run_unchanged


def linear_state(seed, d_in, classes, dtype=torch.float32):
    return {"weight": randn(classes, d_in, seed=seed, dtype=dtype),
            "bias": randn(classes, seed=seed + 1, scale=0.5, dtype=dtype)}


def mlp_state(seed, d_in=4, hidden=6, classes=3, dtype=torch.float32):
    return {"0.weight": randn(hidden, d_in, seed=seed, dtype=dtype),
            "0.bias": randn(hidden, seed=seed + 1, scale=0.3, dtype=dtype),
            "2.weight": randn(classes, hidden, seed=seed + 2, dtype=dtype),
            "2.bias": randn(classes, seed=seed + 3, scale=0.3, dtype=dtype)}


def make_linear(state):
    classes, d_in = state["weight"].shape
    model = nn.Linear(d_in, classes).to(state["weight"].dtype)
    model.load_state_dict(state)
    return model


def make_mlp(state, frozen=()):
    hidden, d_in = state["0.weight"].shape
    classes = state["2.weight"].shape[0]
    model = nn.Sequential(nn.Linear(d_in, hidden), nn.Tanh(), nn.Linear(hidden, classes))
    model = model.to(state["0.weight"].dtype)
    model.load_state_dict(state)
    for name, p in model.named_parameters():
        if name in frozen:
            p.requires_grad_(False)
    return model


class WithUnused(nn.Module):
    """A linear classifier that also owns a parameter its forward pass never uses."""

    def __init__(self, state):
        super().__init__()
        classes, d_in = state["weight"].shape
        self.lin = nn.Linear(d_in, classes)
        self.spare = nn.Parameter(torch.ones(2, 3))
        with torch.no_grad():
            self.lin.weight.copy_(state["weight"])
            self.lin.bias.copy_(state["bias"])

    def forward(self, x):
        return self.lin(x)


def closed_form_fisher(state, x, y):
    """Softmax regression: d/dW log softmax(Wx + b)_y = (onehot(y) - p) x^T, d/db = onehot(y) - p;
    squared per example, averaged over examples, in float64."""
    w, b, x = state["weight"].double(), state["bias"].double(), x.double()
    p = torch.softmax(x @ w.T + b, dim=1)
    e = torch.nn.functional.one_hot(y, w.shape[0]).double() - p            # (N, C)
    gw = e[:, :, None] * x[:, None, :]                                      # (N, C, D)
    dtype = state["weight"].dtype
    return {"weight": (gw ** 2).mean(0).to(dtype), "bias": (e ** 2).mean(0).to(dtype)}


def _data(n, d_in, classes, seed, dtype=torch.float32):
    return randn(n, d_in, seed=seed, dtype=dtype), make_labels(n, classes, seed=seed + 1)


# ------------------------------------------------------------------------------ the Fisher

@pytest.mark.parametrize("n,d_in,classes,seed", [(10, 5, 4, 1), (7, 3, 2, 2), (1, 4, 3, 3)],
                         ids=["N10-D5-C4", "N7-D3-C2", "N1-single-example"])
def test_fisher_of_softmax_regression_matches_the_closed_form(submission, n, d_in, classes, seed):
    state = linear_state(seed, d_in, classes)
    x, y = _data(n, d_in, classes, seed + 10)

    def probe(m):
        return m.fisher_diagonal(make_linear(state), x, y)

    assert_close(submission.run(probe), closed_form_fisher(state, x, y),
                 name="Fisher diagonal of a softmax-regression model (weight and bias)")


def test_fisher_with_very_confident_wrong_predictions(submission):
    state = linear_state(25, 4, 3)
    state["weight"] = state["weight"] * 60.0                 # logit gaps of a few hundred
    x, y = _data(6, 4, 3, 26)
    want = closed_form_fisher(state, x, y)

    def probe(m):
        return m.fisher_diagonal(make_linear(state), x, y)

    assert_close(submission.run(probe), want,
                 name="Fisher diagonal of a softmax regression with logits of size ~100s "
                      "(observed labels the model finds very unlikely)")


@pytest.mark.parametrize("n,seed", [(12, 20), (5, 21)], ids=["N12", "N5"])
def test_fisher_of_an_mlp_matches_reference(submission, reference, n, seed):
    state = mlp_state(seed)
    x, y = _data(n, 4, 3, seed + 10)

    def probe(m):
        return m.fisher_diagonal(make_mlp(state), x, y)

    assert_close(submission.run(probe), reference.run(probe), name="Fisher diagonal of a two-layer MLP")


def test_fisher_is_a_mean_over_examples(submission):
    state = linear_state(30, 4, 3)
    x, y = _data(6, 4, 3, 31)

    def probe(m):
        model = make_linear(state)
        return m.fisher_diagonal(model, x, y), m.fisher_diagonal(model, torch.cat([x, x]), torch.cat([y, y]))

    once, twice = submission.run(probe)
    assert_close(once, closed_form_fisher(state, x, y), name="Fisher diagonal of six examples")
    assert_close(twice, once, name="Fisher diagonal of the same examples given twice (a mean is unchanged)")


def test_fisher_skips_frozen_parameters(submission, reference):
    state = mlp_state(40)
    x, y = _data(8, 4, 3, 41)

    def probe(m):
        return m.fisher_diagonal(make_mlp(state, frozen=("0.weight", "0.bias")), x, y)

    assert_close(submission.run(probe), reference.run(probe),
                 name="Fisher diagonal with the first layer frozen (keys: the trainable parameters)")


def test_fisher_gives_zeros_to_an_unused_parameter(submission):
    state = linear_state(50, 3, 3)
    x, y = _data(5, 3, 3, 51)

    def probe(m):
        return m.fisher_diagonal(WithUnused(state), x, y)

    want = closed_form_fisher(state, x, y)
    want = {"lin.weight": want["weight"], "lin.bias": want["bias"], "spare": torch.zeros(2, 3)}
    assert_close(submission.run(probe), want, name="Fisher diagonal of a model with an unused parameter")


def test_fisher_in_float64(submission):
    state = linear_state(60, 5, 3, dtype=torch.float64)
    x, y = _data(9, 5, 3, 61, dtype=torch.float64)

    def probe(m):
        return m.fisher_diagonal(make_linear(state), x, y)

    assert_close(submission.run(probe), closed_form_fisher(state, x, y), rtol=1e-9, atol=1e-12,
                 name="Fisher diagonal of a float64 model")


def test_fisher_leaves_model_and_data_unchanged(submission):
    state = mlp_state(70)
    x, y = _data(6, 4, 3, 71)

    def probe(m, x, y):
        model = make_mlp(state)
        m.fisher_diagonal(model, x, y)
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    after = run_unchanged(submission, probe, x, y, name="inputs and targets after fisher_diagonal")
    assert_close(after, state, rtol=0.0, atol=0.0, name="model parameters after fisher_diagonal")


# ------------------------------------------------------------------------------ the penalty

def _penalty_case(seed, dtype=torch.float32):
    current = mlp_state(seed, dtype=dtype)
    old = mlp_state(seed + 100, dtype=dtype)
    g = generator(seed + 200)
    fisher = {k: torch.rand(v.shape, generator=g, dtype=torch.float64).to(dtype) * 2.0
              for k, v in current.items()}
    return current, old, fisher


def written_out_penalty(current, old, fisher, lam):
    total = 0.0
    for k, f in fisher.items():
        for fi, a, b in zip(f.reshape(-1).tolist(), current[k].reshape(-1).tolist(),
                            old[k].reshape(-1).tolist(), strict=True):
            total += fi * (a - b) ** 2
    return 0.5 * lam * total


@pytest.mark.parametrize("lam,seed", [(1.0, 80), (250.0, 81)], ids=["lambda1", "lambda250"])
def test_penalty_matches_the_formula_written_out(submission, lam, seed):
    current, old, fisher = _penalty_case(seed)

    def probe(m):
        return m.ewc_penalty(make_mlp(current), fisher, old, lam).detach()

    assert_close(submission.run(probe), torch.tensor(written_out_penalty(current, old, fisher, lam)),
                 name=f"EWC penalty at lambda={lam:g}")


def test_penalty_matches_reference(submission, reference):
    current, old, fisher = _penalty_case(85)

    def probe(m):
        return m.ewc_penalty(make_mlp(current), fisher, old, 7.0).detach()

    assert_close(submission.run(probe), reference.run(probe), name="EWC penalty")


def test_penalty_sums_only_the_parameters_in_fisher(submission):
    current, old, fisher = _penalty_case(90)
    fisher = {"2.weight": fisher["2.weight"]}

    def probe(m):
        return m.ewc_penalty(make_mlp(current), fisher, old, 3.0).detach()

    assert_close(submission.run(probe), torch.tensor(written_out_penalty(current, old, fisher, 3.0)),
                 name="EWC penalty when fisher names only one parameter")


def test_penalty_is_zero_at_the_old_parameters(submission):
    current, _, fisher = _penalty_case(95)

    def probe(m):
        return m.ewc_penalty(make_mlp(current), fisher, current, 10.0).detach()

    assert_close(submission.run(probe), torch.tensor(0.0), atol=1e-7,
                 name="EWC penalty when the parameters equal the old parameters")


def test_penalty_gradient_reaches_the_parameters_only(submission):
    current, old, fisher = _penalty_case(100)
    lam = 5.0

    def probe(m):
        model = make_mlp(current)
        f = {k: v.clone().requires_grad_(True) for k, v in fisher.items()}
        o = {k: v.clone().requires_grad_(True) for k, v in old.items()}
        m.ewc_penalty(model, f, o, lam).backward()

        def grad_or_zeros(t):
            return t.grad if t.grad is not None else torch.zeros_like(t)

        return {"params": {k: grad_or_zeros(p) for k, p in model.named_parameters()},
                "fisher": {k: grad_or_zeros(v) for k, v in f.items()},
                "old": {k: grad_or_zeros(v) for k, v in o.items()}}

    got = submission.run(probe)
    want = {k: lam * fisher[k] * (current[k] - old[k]) for k in current}
    zeros = {k: torch.zeros_like(v) for k, v in current.items()}
    assert_close(got["fisher"], zeros, name="gradient on the Fisher tensors")
    assert_close(got["old"], zeros, name="gradient on the old parameters")
    assert_close(got["params"], want, name="gradient of the penalty on the current parameters")


def test_penalty_in_float64(submission, reference):
    current, old, fisher = _penalty_case(110, dtype=torch.float64)

    def probe(m):
        return m.ewc_penalty(make_mlp(current), fisher, old, 2.5).detach()

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-10, atol=1e-12,
                 name="EWC penalty of a float64 model")


def test_penalty_leaves_its_inputs_unchanged(submission):
    current, old, fisher = _penalty_case(120)

    def probe(m, fisher, old):
        model = make_mlp(current)
        out = m.ewc_penalty(model, fisher, old, 4.0)
        out.backward()
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    after = run_unchanged(submission, probe, fisher, old, name="fisher and old_params after ewc_penalty")
    assert_close(after, current, rtol=0.0, atol=0.0, name="model parameters after ewc_penalty")
