import torch
import torch.nn.functional as F


def supcon_loss(features: torch.Tensor, labels: torch.Tensor, temperature: float) -> torch.Tensor:
    """Supervised contrastive loss L_out (Khosla et al., 2020).

    features: (N, V, D) float, V views of each of N samples, not normalised.
    labels: (N,) int64, the label of every view of sample i.
    Returns the mean over the anchors with at least one positive of
      -1/|P(i)| * sum_{p in P(i)} log softmax_{a in A(i)}(z_i . z_a / tau)[p],
    or 0 when no anchor has a positive; a scalar tensor in the dtype of features.
    """
    # TODO: flatten the N*V views, normalise, similarities / temperature
    # TODO: log-probabilities over A(i) (all but the anchor), stable for small temperatures
    # TODO: average over the positives, then over the anchors that have one
    raise NotImplementedError
