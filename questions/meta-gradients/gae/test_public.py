"""Visible examples for gae: the worked example and a naive double-loop cross-check."""

import torch

from judge.testing import assert_close, generator, randn


def naive_gae(rewards, values, dones, gamma, lam):
    """Straight from the definition: A_t = sum_l (gamma*lam)^l delta_{t+l}, cut at the episode end."""
    T = len(rewards)
    adv = []
    for t in range(T):
        total, weight = 0.0, 1.0
        for k in range(t, T):
            nxt = 0.0 if dones[k] else values[k + 1]
            delta = rewards[k] + gamma * nxt - values[k]
            total += weight * delta
            if dones[k]:
                break
            weight *= gamma * lam
        adv.append(total)
    return adv, [a + v for a, v in zip(adv, values[:-1])]


def test_worked_example(submission):
    rewards = torch.tensor([1.0, 2.0, 3.0])
    values = torch.tensor([0.5, 1.0, 1.5, 2.0])
    dones = torch.tensor([False, True, False])
    adv, ret = submission.gae(rewards, values, dones, gamma=0.5, lam=0.5)
    assert_close(adv, torch.tensor([1.25, 1.0, 2.5]), name="worked example advantages")
    assert_close(ret, torch.tensor([1.75, 2.0, 4.0]), name="worked example returns")


def test_matches_a_naive_double_loop(submission):
    T = 9
    rewards = randn(T, seed=1, dtype=torch.float64)
    values = randn(T + 1, seed=2, dtype=torch.float64)
    dones = torch.rand(T, generator=generator(3)) < 0.3
    dones[4] = True
    adv, ret = submission.gae(rewards, values, dones, gamma=0.9, lam=0.8)
    want_adv, want_ret = naive_gae(rewards.tolist(), values.tolist(), dones.tolist(), 0.9, 0.8)
    assert_close(adv, torch.tensor(want_adv, dtype=torch.float64), name="advantages vs naive loop")
    assert_close(ret, torch.tensor(want_ret, dtype=torch.float64), name="returns vs naive loop")
