import torch
import torch.nn.functional as F


def simsiam_loss(p1: torch.Tensor, p2: torch.Tensor, z1: torch.Tensor,
                 z2: torch.Tensor) -> torch.Tensor:
    """SimSiam loss (Chen & He, 2021): D(p1, stopgrad(z2)) / 2 + D(p2, stopgrad(z1)) / 2.

    p1, p2: (N, D) predictor outputs of view 1 and view 2; z1, z2: (N, D) encoder outputs.
    D(p, z) is the negative cosine similarity, averaged over the batch.
    No gradient may flow through z1 or z2 inside the loss.
    """
    # TODO: negative cosine similarity per row, with a stop-gradient on the target
    # TODO: the symmetric combination of the two views
    raise NotImplementedError
