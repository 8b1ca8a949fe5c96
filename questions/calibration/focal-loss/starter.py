import torch
import torch.nn.functional as F


def focal_loss(logits: torch.Tensor, labels: torch.Tensor, gamma: float = 2.0,
               alpha: torch.Tensor | None = None, reduction: str = "mean") -> torch.Tensor:
    """Multi-class focal loss (Lin et al., 2017).

    loss_i = -alpha[y_i] * (1 - p_i[y_i]) ** gamma * log p_i[y_i],  p_i = softmax(logits_i)
    alpha: None (all ones) or a (C,) tensor of class weights.
    reduction: "none" -> (B,), "sum", or "mean" (plain mean over the batch) -> scalar;
    anything else raises ValueError. Finite for large logits; the result has the logits' dtype.
    """
    # TODO: log-probability of the true class, computed stably
    # TODO: the modulating factor (1 - p) ** gamma and the class weights
    # TODO: the reduction
    raise NotImplementedError
