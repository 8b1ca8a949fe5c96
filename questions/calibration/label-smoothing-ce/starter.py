import torch
import torch.nn.functional as F


def label_smoothing_ce(logits: torch.Tensor, targets: torch.Tensor, eps: float,
                       ignore_index: int = -100) -> torch.Tensor:
    """Label-smoothed cross-entropy (Szegedy et al., 2016), mean over non-ignored rows.

    target q = (1 - eps) * one_hot(y) + eps / K   (uniform over all K classes)
    loss_i   = -sum_c q_c log softmax(logits_i)_c

    Returns a scalar tensor. Rows whose target equals ignore_index are left out of the mean.
    """
    # TODO: stable log-probabilities
    # TODO: the NLL of the true class and the uniform (smoothing) term
    # TODO: drop ignored rows and average over the kept ones
    raise NotImplementedError
