import torch
import torch.nn.functional as F  # noqa: F401


def rl2_inputs(actions: torch.Tensor, rewards: torch.Tensor, dones: torch.Tensor,
               n_arms: int) -> torch.Tensor:
    """The recurrent policy's inputs for a trial of T steps.

    Row t is [one-hot(actions[t-1]), rewards[t-1], dones[t-1]] (length n_arms + 2); row 0 is all
    zeros. Returns a float32 tensor (T, n_arms + 2) whatever the dtype of rewards.
    """
    # TODO: a row of zeros, then the previous step's action (one-hot), reward and done flag
    raise NotImplementedError


def trial_returns(rewards: torch.Tensor, dones: torch.Tensor, gamma: float) -> torch.Tensor:
    """G_t = sum_{k >= t} gamma^(k - t) r_k over the whole trial (the dones do not cut it).

    Returns a (T,) tensor in the dtype of rewards. Raises ValueError when dones does not have
    the shape of rewards or dones[-1] is not True.
    """
    # TODO: check the dones, then accumulate backwards from the last step of the trial
    raise NotImplementedError


def run_trial(policy: torch.nn.Module, arm_probs: torch.Tensor, episodes: int,
              steps_per_episode: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Roll out one trial of `episodes` x `steps_per_episode` pulls on a Bernoulli bandit.

    policy.initial_state() gives the hidden state at the start of the trial; policy(x, h)
    returns (logits, h_next). Per step: the action by torch.multinomial(softmax(logits), 1,
    generator=generator), then u = torch.rand((), generator=generator) and reward 1.0 if
    u < arm_probs[a] else 0.0. Returns {"actions": int64, "rewards": float32, "log_probs"
    (attached to the graph), "dones": bool}, each of shape (T,).
    """
    # TODO: the hidden state is set once and carried across episode boundaries
    raise NotImplementedError


def reinforce_loss(log_probs: torch.Tensor, returns: torch.Tensor,
                   baseline: torch.Tensor) -> torch.Tensor:
    """-(1/B) sum_i sum_t log_probs[i, t] * (returns[i, t] - baseline[i, t]), a 0-dim tensor.

    Gradients reach log_probs only; returns and baseline are constants.
    """
    # TODO: the advantage as a constant, a sum over steps and a mean over trials
    raise NotImplementedError
