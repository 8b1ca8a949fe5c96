import torch
import torch.nn.functional as F


def nt_xent_loss(z1: torch.Tensor, z2: torch.Tensor, temperature: float) -> torch.Tensor:
    """SimCLR NT-Xent loss (Chen et al., 2020) over the 2N views of N positive pairs.

    z1, z2: (N, D) projections of the two views; row i of z1 and row i of z2 are a positive pair.
    Cosine similarities divided by the temperature; each of the 2N views is an anchor whose
    positive is its partner and whose negatives are the other 2N - 2 views (itself excluded).
    Returns the mean over the 2N anchors as a scalar tensor.
    """
    # TODO: stack the two views and normalise each row
    # TODO: all pairwise similarities / temperature, with self-similarity excluded
    # TODO: cross-entropy of each anchor against its partner's index, averaged over 2N anchors
    raise NotImplementedError
