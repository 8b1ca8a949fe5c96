"""Hidden tests for lambda-returns: differential checks, special cases, episode ends, gradients."""

import pytest
import torch

from judge.testing import assert_close, generator, randn, run_unchanged


def rollout(T, batch=(), seed=0, p_done=0.25, dtype=torch.float32):
    rewards = randn(T, *batch, seed=seed, dtype=dtype)
    values = randn(T + 1, *batch, seed=seed + 1, dtype=dtype)
    dones = torch.rand(T, *batch, generator=generator(seed + 2)) < p_done
    return rewards, values, dones


def monte_carlo(rewards, values, dones, gamma):
    """lambda = 1 from its definition (1-D): discounted rewards to the episode end, plus the
    discounted bootstrap V_T when the rollout is cut off."""
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
        out.append(g)
    return torch.tensor(out, dtype=rewards.dtype)


CASES = [  # T, batch shape, gamma, lam, seed
    (10, (), 0.99, 0.95, 10),
    (6, (4,), 0.9, 0.6, 20),
    (5, (2, 3), 0.8, 0.3, 30),
    (1, (), 0.97, 0.9, 40),
]


@pytest.mark.parametrize("T,batch,gamma,lam,seed", CASES,
                         ids=["T10", "T6-batch4", "T5-batch2x3", "T1"])
def test_matches_reference(submission, reference, T, batch, gamma, lam, seed):
    r, v, d = rollout(T, batch, seed=seed)
    assert_close(submission.lambda_returns(r, v, d, gamma, lam),
                 reference.lambda_returns(r, v, d, gamma, lam), name="lambda-returns")


def test_lambda_zero_is_the_one_step_target(submission):
    r, v, d = rollout(9, seed=50)
    got = submission.lambda_returns(r, v, d, 0.9, 0.0)
    assert_close(got, r + 0.9 * (~d).float() * v[1:],
                 name="lambda-returns at lam=0 (should be r_t + gamma (1-d_t) V_{t+1})")


def test_lambda_one_is_the_monte_carlo_return(submission):
    r, v, d = rollout(11, seed=60, dtype=torch.float64)
    d[4] = True
    d[-1] = False
    got = submission.lambda_returns(r, v, d, 0.95, 1.0)
    assert_close(got, monte_carlo(r, v, d, 0.95),
                 name="lambda-returns at lam=1 (discounted return to the episode end)")


def test_final_bootstrap_value_is_used(submission, reference):
    r, v, _ = rollout(6, seed=70)
    d = torch.zeros(6, dtype=torch.bool)
    v2 = v.clone()
    v2[-1] += 4.0
    got = submission.lambda_returns(r, v2, d, 0.9, 0.8) - submission.lambda_returns(r, v, d, 0.9, 0.8)
    want = reference.lambda_returns(r, v2, d, 0.9, 0.8) - reference.lambda_returns(r, v, d, 0.9, 0.8)
    assert_close(got, want, name="change of the returns when the bootstrap value values[T] changes")


def test_terminal_steps_get_only_their_reward(submission):
    r, v, _ = rollout(5, (3,), seed=80)
    d = torch.ones(5, 3, dtype=torch.bool)
    assert_close(submission.lambda_returns(r, v, d, 0.99, 0.9), r,
                 name="lambda-returns when every step ends an episode")


def test_episode_end_blocks_the_future(submission):
    r, v, d = rollout(10, seed=90, p_done=0.0)
    d[3] = True
    r2, v2 = r.clone(), v.clone()
    r2[4:] += 3.0
    v2[4:] -= 2.0
    a = submission.lambda_returns(r, v, d, 0.95, 0.9)
    b = submission.lambda_returns(r2, v2, d, 0.95, 0.9)
    assert_close(b[:4], a[:4],
                 name="lambda-returns up to an episode end (must not see the next episode)")


def test_gradients_reach_rewards_and_values(submission, reference):
    def probe(m):
        r = randn(6, 2, seed=100, requires_grad=True)
        v = randn(7, 2, seed=101, requires_grad=True)
        d = torch.zeros(6, 2, dtype=torch.bool)
        d[2, 0] = True
        w = randn(6, 2, seed=102)
        (m.lambda_returns(r, v, d, 0.9, 0.7) * w).sum().backward()
        zero = torch.zeros(1)
        return {"rewards": r.grad if r.grad is not None else zero,
                "values": v.grad if v.grad is not None else zero}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["rewards"], want["rewards"],
                 name="gradient on the rewards (the result must stay differentiable)")
    assert_close(got["values"], want["values"],
                 name="gradient on the values (the result must stay differentiable)")


def test_batch_columns_are_independent(submission):
    r, v, d = rollout(8, (3,), seed=110)
    out = submission.lambda_returns(r, v, d, 0.9, 0.8)
    cols = [submission.lambda_returns(r[:, j].clone(), v[:, j].clone(), d[:, j].clone(), 0.9, 0.8)
            for j in range(3)]
    assert_close(out, torch.stack(cols, dim=1),
                 name="batched returns vs one environment at a time (time is dimension 0)")


def test_float64_inputs(submission, reference):
    r, v, d = rollout(15, (2,), seed=120, dtype=torch.float64)
    got = submission.lambda_returns(r, v, d, 0.999, 0.97)
    assert got.dtype == torch.float64, f"expected float64 output, got {got.dtype}"
    assert_close(got, reference.lambda_returns(r, v, d, 0.999, 0.97), rtol=1e-10, atol=1e-12,
                 name="lambda-returns in float64")


def test_inputs_are_not_modified(submission):
    r, v, d = rollout(6, (2,), seed=130)

    def probe(m, r, v, d):
        m.lambda_returns(r, v, d, 0.9, 0.9)

    run_unchanged(submission, probe, r, v, d, name="inputs after the call")
