"""Hidden tests for rl2-bandit-trial: the inputs, the trial returns and the loss against the
formulas written out and the reference; the rollout against the statement's draw order replayed
here, its log-probabilities recomputed here from the returned actions, rewards and dones, its
gradients, the generator it uses and the law of its draws."""

import math

import pytest
import torch

from judge.testing import assert_close, binomial_bounds, call_unchanged, expect, generator, run_unchanged

ALPHA = 1e-8   # false-rejection probability of one count check (exact Binomial bounds)


# ---------------------------------------------------------------- policies (built on both sides)

class GRUPolicy(torch.nn.Module):
    """A GRU cell and a linear head with seeded weights; it checks the input it is given."""

    def __init__(self, n_arms, hidden=8, seed=0, scale=1.0):
        super().__init__()
        self.n_arms = n_arms
        self.cell = torch.nn.GRUCell(n_arms + 2, hidden)
        self.head = torch.nn.Linear(hidden, n_arms)
        g = generator(seed)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(scale * torch.randn(p.shape, generator=g))

    def initial_state(self):
        return torch.zeros(self.cell.hidden_size)

    def forward(self, x, h):
        if not isinstance(x, torch.Tensor) or x.dtype != torch.float32 \
                or tuple(x.shape) != (self.n_arms + 2,):
            raise ValueError(f"policy input must be a float32 tensor of shape ({self.n_arms + 2},)")
        h = self.cell(x, h)
        return self.head(h), h


class ConstantPolicy(torch.nn.Module):
    """Logits that ignore the input: the actions do not depend on the rewards."""

    def __init__(self, logits):
        super().__init__()
        self.logits = torch.nn.Parameter(torch.as_tensor(logits, dtype=torch.float32))

    def initial_state(self):
        return torch.zeros(1)

    def forward(self, x, h):
        if not isinstance(x, torch.Tensor) or x.dtype != torch.float32 \
                or tuple(x.shape) != (self.logits.numel() + 2,):
            raise ValueError("policy input must be a float32 tensor of shape (K + 2,)")
        return self.logits * 1.0, h + 1.0


def param_grads(policy):
    return {name: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
            for name, p in policy.named_parameters()}


# ---------------------------------------------------------------- the statement, written out

def written_inputs(actions, rewards, dones, n_arms):
    rows = [[0.0] * (n_arms + 2)]
    for t in range(1, len(actions)):
        row = [0.0] * (n_arms + 2)
        row[int(actions[t - 1])] = 1.0
        row[n_arms] = float(rewards[t - 1])
        row[n_arms + 1] = 1.0 if bool(dones[t - 1]) else 0.0
        rows.append(row)
    return torch.tensor(rows, dtype=torch.float32)


def written_returns(rewards, gamma, dtype):
    r = [float(v) for v in rewards]
    out = [math.fsum(gamma ** (k - t) * r[k] for k in range(t, len(r))) for t in range(len(r))]
    return torch.tensor(out, dtype=dtype)


def written_loss(log_probs, returns, baseline):
    b = torch.broadcast_to(baseline, returns.shape)
    n_trials, steps = log_probs.shape
    total = math.fsum(float(log_probs[i, t]) * (float(returns[i, t]) - float(b[i, t]))
                      for i in range(n_trials) for t in range(steps))
    return torch.tensor(-total / n_trials, dtype=log_probs.dtype)


def trusted_rollout(policy, arm_probs, episodes, steps, seed):
    """The statement's loop, step by step; also returns the uniform u drawn at each step."""
    g = generator(seed)
    n_arms = arm_probs.numel()
    h = policy.initial_state()
    x = torch.zeros(n_arms + 2)
    acts, rews, lps, dns, us = [], [], [], [], []
    with torch.no_grad():
        for t in range(episodes * steps):
            logits, h = policy(x, h)
            a = int(torch.multinomial(torch.softmax(logits, dim=-1), 1, generator=g))
            u = torch.rand((), generator=g)
            r = 1.0 if float(u) < float(arm_probs[a]) else 0.0
            d = (t + 1) % steps == 0
            acts.append(a)
            rews.append(r)
            lps.append(float(torch.log_softmax(logits, dim=-1)[a]))
            dns.append(d)
            us.append(float(u))
            x = torch.zeros(n_arms + 2)
            x[a], x[n_arms], x[n_arms + 1] = 1.0, r, 1.0 if d else 0.0
    return {"actions": torch.tensor(acts, dtype=torch.int64),
            "rewards": torch.tensor(rews, dtype=torch.float32),
            "log_probs": torch.tensor(lps, dtype=torch.float32),
            "dones": torch.tensor(dns, dtype=torch.bool)}, us


def replay_log_probs(policy, out, n_arms):
    """Teacher forcing: feed the returned actions, rewards and dones back through the trusted
    policy, hidden state carried over the whole trial, and read off log pi(a_t)."""
    x = written_inputs(out["actions"], out["rewards"], out["dones"], n_arms)
    h = policy.initial_state()
    lps = []
    with torch.no_grad():
        for t in range(x.shape[0]):
            logits, h = policy(x[t], h)
            lps.append(torch.log_softmax(logits, dim=-1)[int(out["actions"][t])])
    return torch.stack(lps)


def random_history(steps, n_arms, seed, episode_len=3, real_rewards=False, dtype=torch.float32):
    g = generator(seed)
    actions = torch.randint(0, n_arms, (steps,), generator=g)
    if real_rewards:
        rewards = torch.randn(steps, generator=g, dtype=dtype)
    else:
        rewards = (torch.rand(steps, generator=g) < 0.5).to(dtype)
    dones = (torch.arange(steps) + 1) % episode_len == 0
    return actions, rewards, dones


def trial_of(submission, n_arms, episodes, steps, seed, probs=None, policy_seed=None):
    """Run run_trial in the sandbox with a GRU policy; returns the result (data) and whether the
    log-probabilities were attached to the graph there."""
    arm_probs = probs if probs is not None else torch.rand(n_arms, generator=generator(seed + 100))
    pseed = seed if policy_seed is None else policy_seed

    def probe(m, arm_probs):
        out = m.run_trial(GRUPolicy(n_arms, seed=pseed), arm_probs, episodes, steps,
                          generator(seed))
        lp = out["log_probs"] if isinstance(out, dict) else None
        return out, bool(isinstance(lp, torch.Tensor) and lp.requires_grad)

    return submission.run(lambda m: probe(m, arm_probs)), arm_probs


def check_trial_structure(out, steps_total):
    expect(isinstance(out, dict) and set(out) == {"actions", "rewards", "log_probs", "dones"},
           "run_trial returns a dict with keys actions, rewards, log_probs, dones", prop="keys")
    templates = {"actions": torch.int64, "rewards": torch.float32, "log_probs": torch.float32,
                 "dones": torch.bool}
    for key, dtype in templates.items():
        v = out[key]
        expect(isinstance(v, torch.Tensor), f"'{key}' is a tensor", prop="type")
        expect(v.dtype == dtype, f"dtype of '{key}'", f"got {v.dtype}, expected {dtype}",
               prop="dtype")
        expect(tuple(v.shape) == (steps_total,), f"shape of '{key}'",
               f"got {tuple(v.shape)}, expected ({steps_total},)", prop="shape")


# ---------------------------------------------------------------- rl2_inputs

INPUT_CASES = [  # steps, arms, episode length, real-valued rewards, rewards dtype
    (12, 3, 4, False, torch.float32),
    (10, 5, 2, True, torch.float32),
    (9, 2, 3, True, torch.float64),
    (2, 4, 1, True, torch.float32),
    (1, 3, 1, False, torch.float32),
]


@pytest.mark.parametrize("steps,arms,ep,real,dtype", INPUT_CASES,
                         ids=["12x3arms", "10x5arms-real", "9x2arms-float64", "two-steps",
                              "one-step"])
def test_inputs_match_the_formula_written_out(submission, steps, arms, ep, real, dtype):
    a, r, d = random_history(steps, arms, seed=steps * 7 + arms, episode_len=ep,
                             real_rewards=real, dtype=dtype)
    assert_close(submission.rl2_inputs(a, r, d, arms), written_inputs(a, r, d, arms),
                 rtol=1e-6, atol=1e-7,
                 name=f"inputs for {steps} steps, {arms} arms, {str(dtype)[6:]} rewards")


def test_inputs_match_reference(submission, reference):
    for seed in range(3):
        a, r, d = random_history(20, 4, seed=seed, episode_len=5, real_rewards=True)
        assert_close(submission.rl2_inputs(a, r, d, 4), reference.rl2_inputs(a, r, d, 4),
                     rtol=1e-6, atol=1e-7, name=f"inputs (history seed {seed})")


def test_input_row_describes_the_previous_step(submission):
    # step t pulls arm t % 3, is paid t + 1 and ends an episode when t is odd
    a = torch.tensor([0, 1, 2, 0, 1, 2])
    r = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    d = torch.tensor([False, True, False, True, False, True])
    got = submission.rl2_inputs(a, r, d, 3)
    want = torch.tensor([[0, 0, 0, 0, 0], [1, 0, 0, 1, 0], [0, 1, 0, 2, 1],
                         [0, 0, 1, 3, 0], [1, 0, 0, 4, 1], [0, 1, 0, 5, 0]], dtype=torch.float32)
    assert_close(got, want, name="input rows (each row holds the previous step's action, "
                                 "reward and done flag)")


def test_inputs_do_not_modify_arguments(submission):
    a, r, d = random_history(15, 3, seed=9, episode_len=5, real_rewards=True)
    call_unchanged(submission, "rl2_inputs", a, r, d, 3, name="actions, rewards, dones")


# ---------------------------------------------------------------- trial_returns

RETURN_CASES = [  # steps, episode length, gamma, dtype
    (12, 4, 0.9, torch.float32),
    (12, 3, 0.5, torch.float64),
    (10, 5, 1.0, torch.float32),
    (6, 2, 0.0, torch.float32),
    (1, 1, 0.95, torch.float32),
    (40, 8, 0.99, torch.float64),
]


@pytest.mark.parametrize("steps,ep,gamma,dtype", RETURN_CASES,
                         ids=["gamma0.9", "gamma0.5-float64", "gamma1", "gamma0", "one-step",
                              "long-float64"])
def test_returns_match_the_formula_written_out(submission, steps, ep, gamma, dtype):
    _, r, d = random_history(steps, 2, seed=steps + int(100 * gamma), episode_len=ep,
                             real_rewards=True, dtype=dtype)
    assert_close(submission.trial_returns(r, d, gamma), written_returns(r, gamma, dtype),
                 rtol=1e-5, atol=1e-5,
                 name=f"trial returns, gamma {gamma}, {str(dtype)[6:]} rewards")


def test_returns_match_reference(submission, reference):
    for seed in range(3):
        _, r, d = random_history(30, 2, seed=20 + seed, episode_len=6)
        assert_close(submission.trial_returns(r, d, 0.8), reference.trial_returns(r, d, 0.8),
                     rtol=1e-5, atol=1e-6, name=f"trial returns (rewards seed {seed})")


def test_returns_carry_over_episode_boundaries(submission):
    # three episodes of 2 steps; only the last step of the trial pays
    r = torch.tensor([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    d = torch.tensor([False, True, False, True, False, True])
    assert_close(submission.trial_returns(r, d, 0.5),
                 torch.tensor([0.03125, 0.0625, 0.125, 0.25, 0.5, 1.0]),
                 name="returns of earlier episodes when only the last step pays")


def test_returns_discount_later_rewards(submission):
    # one reward at the first step: no later reward, so every return but the first is 0
    r = torch.tensor([1.0, 0.0, 0.0, 0.0])
    d = torch.tensor([False, False, False, True])
    assert_close(submission.trial_returns(r, d, 0.5), torch.tensor([1.0, 0.0, 0.0, 0.0]),
                 name="returns when only the first step pays")


def _error_of(m, rewards, dones, gamma):
    try:
        m.trial_returns(rewards, dones, gamma)
    except Exception as exc:            # report the type: the test decides
        return type(exc).__name__
    return "no error"


BAD_DONES = {
    "last-step-not-done": (torch.tensor([1.0, 0.0, 1.0]), torch.tensor([False, True, False])),
    "shorter-dones": (torch.tensor([1.0, 0.0, 1.0]), torch.tensor([False, True])),
    "empty-trial": (torch.zeros(0), torch.zeros(0, dtype=torch.bool)),
}


@pytest.mark.parametrize("case", list(BAD_DONES))
def test_returns_reject_bad_dones(submission, case):
    rewards, dones = BAD_DONES[case]
    got = submission.run(lambda m: _error_of(m, rewards, dones, 0.9))
    assert_close(got, "ValueError", name=f"exception raised by trial_returns ({case})")


def test_returns_do_not_modify_arguments(submission):
    _, r, d = random_history(16, 2, seed=31, episode_len=4, real_rewards=True)
    call_unchanged(submission, "trial_returns", r, d, 0.9, name="rewards and dones")


# ---------------------------------------------------------------- run_trial

TRIAL_CASES = [  # arms, episodes, steps per episode, seed
    (3, 4, 5, 0),
    (2, 3, 1, 1),
    (5, 1, 12, 2),
    (4, 2, 6, 3),
]
TRIAL_IDS = ["3arms-4x5", "2arms-3x1", "5arms-1x12", "4arms-2x6"]


@pytest.mark.parametrize("arms,episodes,steps,seed", TRIAL_CASES, ids=TRIAL_IDS)
def test_trial_follows_the_statement_draw_by_draw(submission, arms, episodes, steps, seed):
    (out, _), probs = trial_of(submission, arms, episodes, steps, seed)
    check_trial_structure(out, episodes * steps)
    want, _ = trusted_rollout(GRUPolicy(arms, seed=seed), probs, episodes, steps, seed)
    for key in ("dones", "actions", "rewards", "log_probs"):
        assert_close(out[key], want[key], rtol=1e-5, atol=1e-5,
                     name=f"'{key}' of a trial of {episodes} x {steps} steps, {arms} arms, "
                          f"generator seed {seed}")


@pytest.mark.parametrize("arms,episodes,steps,seed", TRIAL_CASES, ids=TRIAL_IDS)
def test_trial_matches_reference(submission, reference, arms, episodes, steps, seed):
    (out, _), probs = trial_of(submission, arms, episodes, steps, seed)
    (want, _), _ = trial_of(reference, arms, episodes, steps, seed, probs=probs)
    assert_close(out, want, rtol=1e-5, atol=1e-5,
                 name=f"trial of {episodes} x {steps} steps, {arms} arms, seed {seed}")


def test_log_probs_recomputed_with_hidden_state_kept_over_the_trial(submission):
    arms, episodes, steps = 3, 5, 4
    (out, _), _ = trial_of(submission, arms, episodes, steps, seed=5,
                           probs=torch.tensor([0.1, 0.5, 0.9]))
    check_trial_structure(out, episodes * steps)
    want = replay_log_probs(GRUPolicy(arms, seed=5), out, arms)
    starts = torch.arange(steps, episodes * steps, steps)
    assert_close(out["log_probs"][starts], want[starts], rtol=1e-5, atol=1e-5,
                 name="log-probabilities at the first step of episodes 2.., recomputed by the "
                      "test from the returned actions, rewards and dones")
    assert_close(out["log_probs"], want, rtol=1e-5, atol=1e-5,
                 name="log-probabilities of the actions taken, recomputed by the test from the "
                      "returned actions, rewards and dones")


def test_log_probs_are_attached_and_backpropagate(submission, reference):
    probs = torch.tensor([0.3, 0.6, 0.2])
    w = torch.randn(8, generator=generator(41))

    def probe(m):
        policy = GRUPolicy(3, seed=11)
        out = m.run_trial(policy, probs, 2, 4, generator(12))
        lp = out["log_probs"]
        if not lp.requires_grad:
            return {"attached": False}
        (lp * w).sum().backward()
        return {"attached": True, "grads": param_grads(policy)}

    got = submission.run(probe)
    expect(isinstance(got, dict) and got.get("attached") is True,
           "log_probs are attached to the autograd graph of the policy", prop="values")
    assert_close(got, reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="gradient of a weighted sum of log_probs on the policy's parameters")


def test_trial_uses_only_the_given_generator(submission, reference):
    probs = torch.tensor([0.25, 0.75, 0.5, 0.1])

    def probe(m):
        g = generator(13)
        torch.manual_seed(1)
        first = m.run_trial(GRUPolicy(4, seed=13), probs, 3, 4, g)
        after = torch.rand(3, generator=g)          # where the generator stands after a trial
        torch.manual_seed(2)
        second = m.run_trial(GRUPolicy(4, seed=13), probs, 3, 4, generator(13))
        keys = ("actions", "rewards", "dones")
        return {"first": {k: first[k] for k in keys}, "second": {k: second[k] for k in keys},
                "after": after}

    got = submission.run(probe)
    expect(isinstance(got, dict) and isinstance(got.get("first"), dict), "probe result",
           prop="type")
    assert_close(got["second"], got["first"], rtol=0, atol=0,
                 name="two trials with the same generator seed and different global seeds")
    assert_close(got["after"], reference.run(probe)["after"], rtol=0, atol=0,
                 name="state of the generator after a trial (number of draws)")


def test_reward_is_one_only_when_u_is_below_the_probability(submission):
    # the arm probability is set to exactly the u the trial draws at step 0: u < p is false
    policy = ConstantPolicy([0.0, 0.0])
    _, us = trusted_rollout(policy, torch.tensor([0.5, 0.5]), 1, 1, seed=17)
    probs = torch.tensor([us[0], us[0]], dtype=torch.float32)
    want, _ = trusted_rollout(policy, probs, 1, 4, seed=17)

    def probe(m, probs):
        return m.run_trial(ConstantPolicy([0.0, 0.0]), probs, 1, 4, generator(17))["rewards"]

    got = submission.run(lambda m: probe(m, probs))
    assert_close(got, want["rewards"], rtol=0, atol=0,
                 name="rewards when an arm's probability equals the u drawn (u < p pays 1)")


def test_arm_probs_and_policy_are_unchanged(submission):
    probs = torch.tensor([0.2, 0.9, 0.4])

    def probe(m, probs):
        policy = GRUPolicy(3, seed=19)
        m.run_trial(policy, probs, 2, 5, generator(19))
        return {k: v.detach().clone() for k, v in policy.state_dict().items()}

    state = run_unchanged(submission, probe, probs, name="arm_probs after run_trial")
    assert_close(state, GRUPolicy(3, seed=19).state_dict(), rtol=0, atol=0,
                 name="policy parameters after run_trial")


def test_actions_and_rewards_follow_their_laws(submission):
    # The policy ignores its input, so actions are i.i.d. with probabilities pi and, given the
    # actions, the rewards of arm a are i.i.d. Bernoulli(p_a). Six exact Binomial checks at
    # ALPHA each: false-rejection probability below 6e-8 whatever the seed.
    pi = torch.tensor([0.2, 0.3, 0.5])
    p = torch.tensor([0.1, 0.6, 0.9])
    episodes, steps = 50, 40

    def probe(m):
        out = m.run_trial(ConstantPolicy(pi.log()), p, episodes, steps, generator(23))
        return out["actions"], out["rewards"]

    actions, rewards = submission.run(probe)
    n = episodes * steps
    expect(tuple(actions.shape) == (n,) and tuple(rewards.shape) == (n,),
           "shapes of actions and rewards", prop="shape")
    for a in range(3):
        count = int((actions == a).sum())
        lo, hi = binomial_bounds(n, float(pi[a]), ALPHA)
        expect(lo <= count <= hi, f"number of pulls of arm {a} (of {n}) with policy "
                                  f"probabilities {pi.tolist()}",
               f"{count}; outside [{lo}, {hi}] has probability below {ALPHA:g}")
        pulled = rewards[actions == a]
        expect(bool(((pulled == 0) | (pulled == 1)).all()), "rewards are 0 or 1")
        wins = int(pulled.sum())
        lo, hi = binomial_bounds(count, float(p[a]), ALPHA)
        expect(lo <= wins <= hi, f"number of rewards of 1 from arm {a} (probability "
                                 f"{float(p[a]):.1f})",
               f"{wins} of {count} pulls; outside [{lo}, {hi}] has probability below {ALPHA:g}")


# ---------------------------------------------------------------- reinforce_loss

LOSS_CASES = [  # trials, steps, baseline shape, dtype
    (4, 6, "steps", torch.float32),
    (3, 5, "full", torch.float64),
    (5, 2, "trials", torch.float32),
    (1, 1, "steps", torch.float32),
]


def loss_inputs(trials, steps, shape, dtype, seed):
    g = generator(seed)
    lp = -torch.rand(trials, steps, generator=g, dtype=dtype) * 2
    ret = torch.randn(trials, steps, generator=g, dtype=dtype) * 3
    sizes = {"steps": (steps,), "full": (trials, steps), "trials": (trials, 1)}
    base = torch.randn(*sizes[shape], generator=g, dtype=dtype)
    return lp, ret, base


@pytest.mark.parametrize("trials,steps,shape,dtype", LOSS_CASES,
                         ids=["4x6-per-step-baseline", "3x5-float64-full-baseline",
                              "5x2-per-trial-baseline", "1x1"])
def test_loss_matches_the_formula_written_out(submission, trials, steps, shape, dtype):
    lp, ret, base = loss_inputs(trials, steps, shape, dtype, seed=trials * 10 + steps)
    assert_close(submission.reinforce_loss(lp, ret, base), written_loss(lp, ret, base),
                 rtol=1e-5, atol=1e-6,
                 name=f"loss of {trials} trials of {steps} steps, baseline {shape}, "
                      f"{str(dtype)[6:]}")


def test_loss_matches_reference(submission, reference):
    for seed in range(3):
        lp, ret, base = loss_inputs(6, 9, "steps", torch.float32, seed=50 + seed)
        assert_close(submission.reinforce_loss(lp, ret, base),
                     reference.reinforce_loss(lp, ret, base), rtol=1e-5, atol=1e-6,
                     name=f"loss (seed {seed})")


def test_loss_gradient_reaches_log_probs_only(submission):
    lp, ret, base = loss_inputs(3, 4, "full", torch.float32, seed=61)

    def probe(m, lp, ret, base):
        lp, ret, base = lp.requires_grad_(), ret.requires_grad_(), base.requires_grad_()
        m.reinforce_loss(lp, ret, base).backward()
        return [x.grad if x.grad is not None else torch.zeros_like(x) for x in (lp, ret, base)]

    g_lp, g_ret, g_base = submission.run(lambda m: probe(m, lp, ret, base))
    assert_close(g_lp, -(ret - base) / 3, rtol=1e-5, atol=1e-6,
                 name="gradient of the loss on log_probs")
    assert_close([g_ret, g_base], [torch.zeros(3, 4), torch.zeros(3, 4)], rtol=0, atol=0,
                 name="gradient of the loss on returns and baseline (they are constants)")


def test_loss_does_not_modify_arguments(submission):
    lp, ret, base = loss_inputs(4, 5, "steps", torch.float32, seed=71)
    call_unchanged(submission, "reinforce_loss", lp, ret, base,
                   name="log_probs, returns, baseline")


# ---------------------------------------------------------------- the pieces together

def test_one_outer_loop_step(submission, reference):
    """A batch of 4 trials on different bandits: trial returns, a per-step mean baseline, the
    loss and its gradient on the policy."""
    probs = torch.rand(4, 3, generator=generator(81))

    def probe(m):
        policy = GRUPolicy(3, seed=82)
        lps, rets = [], []
        for i in range(4):
            out = m.run_trial(policy, probs[i], 3, 4, generator(83 + i))
            lps.append(out["log_probs"])
            rets.append(m.trial_returns(out["rewards"], out["dones"], 0.9))
        lp, ret = torch.stack(lps), torch.stack(rets)
        loss = m.reinforce_loss(lp, ret, ret.mean(dim=0))
        loss.backward()
        return {"loss": loss, "returns": ret, "grads": param_grads(policy)}

    assert_close(submission.run(probe), reference.run(probe), rtol=1e-4, atol=1e-5,
                 name="loss, returns and policy gradient of one outer-loop step on 4 trials")
