import math

import torch


def evaluate_episodes(predictions: list[torch.Tensor], labels: list[torch.Tensor]) -> dict:
    """Mean episode accuracy with a 95% confidence interval.

    predictions, labels: lists of E one-dimensional int64 tensors; episode e has Q_e queries.
    Returns {"accuracies": float64 tensor (E,), "mean": float, "half_width": float}, where
    half_width = 1.96 * s / sqrt(E) and s is the sample standard deviation (divided by E - 1)
    of the episode accuracies. Raises ValueError for fewer than 2 episodes, lists of different
    lengths, an episode whose predictions and labels differ in shape, or an empty episode.
    """
    # TODO: check the inputs
    # TODO: the accuracy of each episode, as a float64 fraction
    # TODO: the mean over episodes and the half-width 1.96 * s / sqrt(E)
    raise NotImplementedError
