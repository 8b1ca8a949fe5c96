"""Mistake: the log-probabilities are collected as Python floats and rebuilt with torch.tensor, which
cuts them from the autograd graph: no policy gradient reaches the policy."""

import torch
import torch.nn.functional as F


def rl2_inputs(actions, rewards, dones, n_arms):
    steps = actions.shape[0]
    x = torch.zeros(steps, n_arms + 2, dtype=torch.float32)
    x[1:, :n_arms] = F.one_hot(actions[:-1], n_arms)    # assignment casts to float32
    x[1:, n_arms] = rewards[:-1]
    x[1:, n_arms + 1] = dones[:-1]
    return x


def trial_returns(rewards, dones, gamma):
    if dones.shape != rewards.shape:
        raise ValueError(f"dones has shape {tuple(dones.shape)} but rewards has shape "
                         f"{tuple(rewards.shape)}")
    if rewards.numel() == 0 or not bool(dones[-1]):
        raise ValueError("a trial must end with the last step of an episode (dones[-1] True)")
    returns = torch.zeros_like(rewards)
    running = torch.zeros((), dtype=rewards.dtype)
    for t in range(rewards.shape[0] - 1, -1, -1):
        running = rewards[t] + gamma * running       # the dones do not cut the return
        returns[t] = running
    return returns


def run_trial(policy, arm_probs, episodes, steps_per_episode, generator):
    n_arms = arm_probs.shape[0]
    h = policy.initial_state()                       # reset once, at the start of the trial
    x = torch.zeros(n_arms + 2, dtype=torch.float32)
    actions, rewards, log_probs, dones = [], [], [], []
    for t in range(episodes * steps_per_episode):
        logits, h = policy(x, h)                     # h carries over episode boundaries
        probs = torch.softmax(logits, dim=-1)
        a = int(torch.multinomial(probs, 1, generator=generator))
        u = torch.rand((), generator=generator)
        r = 1.0 if bool(u < arm_probs[a]) else 0.0
        done = (t + 1) % steps_per_episode == 0
        log_probs.append(float(torch.log_softmax(logits, dim=-1)[a]))
        actions.append(a)
        rewards.append(r)
        dones.append(done)
        x = torch.zeros(n_arms + 2, dtype=torch.float32)
        x[a] = 1.0
        x[n_arms] = r
        x[n_arms + 1] = done
    return {
        "actions": torch.tensor(actions, dtype=torch.int64),
        "rewards": torch.tensor(rewards, dtype=torch.float32),
        "log_probs": torch.tensor(log_probs, dtype=torch.float32),
        "dones": torch.tensor(dones, dtype=torch.bool),
    }


def reinforce_loss(log_probs, returns, baseline):
    advantage = (returns - baseline).detach()        # no gradient into returns or baseline
    return -(log_probs * advantage).sum(dim=1).mean()
