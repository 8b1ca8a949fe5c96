import torch
import torch.nn.functional as F


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, n_bins: int = 15):
    """ECE with n_bins equal-width bins over the max-probability confidence (Guo et al., 2017).

    Bins are [0, 1/M], (1/M, 2/M], ..., ((M-1)/M, 1]; ECE = sum_m |B_m|/n * |acc(B_m) - conf(B_m)|.
    Returns a 0-dim tensor (or a float).
    """
    # TODO: confidence = max probability, prediction = argmax, correctness
    # TODO: per bin: the share of examples and the gap between accuracy and mean confidence
    raise NotImplementedError


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature T > 0 minimising the mean NLL of softmax(logits / T) on these labels."""
    # TODO: minimise a 1-D convex problem to convergence (keep T positive)
    raise NotImplementedError
