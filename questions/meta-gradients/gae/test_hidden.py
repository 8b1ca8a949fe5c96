"""Hidden tests for gae: differential checks, the lambda = 0 / 1 special cases, episode ends."""

import pytest
import torch

from judge.testing import assert_close, generator, randn, run_unchanged


def rollout(T, batch=(), seed=0, p_done=0.25, dtype=torch.float32):
    rewards = randn(T, *batch, seed=seed, dtype=dtype)
    values = randn(T + 1, *batch, seed=seed + 1, dtype=dtype)
    dones = torch.rand(T, *batch, generator=generator(seed + 2)) < p_done
    return rewards, values, dones


def mc_minus_value(rewards, values, dones, gamma):
    """lambda = 1 target from its own definition: discounted rewards to the episode end (plus the
    discounted bootstrap value if the rollout is cut off) minus V_t. 1-D inputs."""
    r, v, d = rewards.tolist(), values.tolist(), dones.tolist()
    T, out = len(r), []
    for t in range(T):
        g, w, k = 0.0, 1.0, t
        while True:
            g += w * r[k]
            if d[k]:
                break
            w *= gamma
            k += 1
            if k == T:
                g += w * v[T]
                break
        out.append(g - v[t])
    return torch.tensor(out, dtype=rewards.dtype)


CASES = [  # T, batch shape, gamma, lam, seed
    (12, (), 0.99, 0.95, 10),
    (7, (4,), 0.9, 0.7, 20),
    (5, (2, 3), 0.8, 0.5, 30),
    (1, (), 0.97, 0.9, 40),
]


@pytest.mark.parametrize("T,batch,gamma,lam,seed", CASES,
                         ids=["T12", "T7-batch4", "T5-batch2x3", "T1"])
def test_matches_reference(submission, reference, T, batch, gamma, lam, seed):
    r, v, d = rollout(T, batch, seed=seed)
    assert_close(submission.gae(r, v, d, gamma, lam), reference.gae(r, v, d, gamma, lam),
                 name="(advantages, returns)")


def test_lambda_zero_gives_td_errors(submission):
    r, v, d = rollout(10, seed=50)
    adv, _ = submission.gae(r, v, d, 0.9, 0.0)
    td = r + 0.9 * (~d).float() * v[1:] - v[:-1]
    assert_close(adv, td, name="advantages at lam=0 (should be the one-step TD errors)")


def test_lambda_one_gives_monte_carlo_minus_value(submission):
    r, v, d = rollout(11, seed=60, dtype=torch.float64)
    d[3] = True
    d[-1] = False
    adv, _ = submission.gae(r, v, d, 0.9, 1.0)
    assert_close(adv, mc_minus_value(r, v, d, 0.9),
                 name="advantages at lam=1 (discounted return to the episode end minus V)")


def test_final_bootstrap_value_is_used(submission, reference):
    r, v, _ = rollout(6, seed=70)
    d = torch.zeros(6, dtype=torch.bool)
    v2 = v.clone()
    v2[-1] += 5.0
    got = submission.gae(r, v2, d, 0.9, 0.9)[0] - submission.gae(r, v, d, 0.9, 0.9)[0]
    want = reference.gae(r, v2, d, 0.9, 0.9)[0] - reference.gae(r, v, d, 0.9, 0.9)[0]
    assert_close(got, want, name="change of the advantages when the bootstrap value values[T] changes")


def test_episode_end_blocks_the_future(submission):
    r, v, d = rollout(10, seed=80, p_done=0.0)
    d[4] = True
    r2, v2 = r.clone(), v.clone()
    r2[5:] += 3.0
    v2[5:] -= 2.0
    a1, _ = submission.gae(r, v, d, 0.95, 0.9)
    a2, _ = submission.gae(r2, v2, d, 0.95, 0.9)
    assert_close(a2[:5], a1[:5],
                 name="advantages up to an episode end (must not depend on the next episode)")


def test_every_step_done_gives_reward_minus_value(submission):
    r, v, _ = rollout(6, (3,), seed=90)
    d = torch.ones(6, 3, dtype=torch.bool)
    adv, ret = submission.gae(r, v, d, 0.99, 0.95)
    assert_close(adv, r - v[:-1], name="advantages when every step ends an episode")
    assert_close(ret, r, name="returns when every step ends an episode")


def test_returns_are_advantages_plus_values(submission):
    r, v, d = rollout(8, (2,), seed=100)
    adv, ret = submission.gae(r, v, d, 0.9, 0.8)
    assert_close(ret, adv + v[:-1], name="returns (should be advantages + V_t, t = 0..T-1)")


def test_batch_columns_are_independent(submission):
    r, v, d = rollout(8, (3,), seed=110)
    adv, _ = submission.gae(r, v, d, 0.9, 0.8)
    cols = [submission.gae(r[:, j].clone(), v[:, j].clone(), d[:, j].clone(), 0.9, 0.8)[0]
            for j in range(3)]
    assert_close(adv, torch.stack(cols, dim=1),
                 name="batched advantages vs one environment at a time (time is dimension 0)")


def test_float64_inputs(submission, reference):
    r, v, d = rollout(15, (2,), seed=120, dtype=torch.float64)
    got = submission.gae(r, v, d, 0.999, 0.97)
    assert all(x.dtype == torch.float64 for x in got), "outputs should keep the float64 dtype"
    assert_close(got, reference.gae(r, v, d, 0.999, 0.97), rtol=1e-10, atol=1e-12,
                 name="(advantages, returns) in float64")


def test_values_in_another_dtype_than_rewards(submission, reference):
    r, v, d = rollout(7, (2,), seed=125)                  # float32 rewards, values exact in float32
    adv, ret = submission.gae(r, v.double(), d, 0.9, 0.8)
    want_adv, want_ret = reference.gae(r, v, d, 0.9, 0.8)
    assert_close(adv, want_adv,
                 name="advantages with float64 values and float32 rewards (float32, like the rewards)")
    assert_close(ret, want_ret,
                 name="returns with float64 values and float32 rewards (float32, like the rewards)")


def test_inputs_are_not_modified(submission):
    r, v, d = rollout(6, (2,), seed=130)

    def probe(m, r, v, d):
        m.gae(r, v, d, 0.9, 0.9)

    run_unchanged(submission, probe, r, v, d, name="inputs after the call")
