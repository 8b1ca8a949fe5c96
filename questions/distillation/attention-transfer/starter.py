import torch


def attention_map(features: torch.Tensor) -> torch.Tensor:
    """Spatial attention map of Zagoruyko & Komodakis (2017) with p = 2.

    features: (B, C, H, W). Returns (B, H*W): Q = vec(sum_c |A_c|^2), each row divided by
    max(||Q||_2, 1e-12).
    """
    # TODO: sum the squared activations over channels, flatten the positions, L2-normalise
    raise NotImplementedError


def attention_transfer_loss(student_feats: list[torch.Tensor], teacher_feats: list[torch.Tensor],
                            beta: float) -> torch.Tensor:
    """beta / 2 * sum over layer pairs j of mean_i || q_s(i, j) - q_t(i, j) ||_2 (unsquared).

    student_feats[j]: (B, C_s_j, H_j, W_j); teacher_feats[j]: (B, C_t_j, H_j, W_j).
    Returns a scalar tensor. No gradient may reach the teacher's features.
    """
    # TODO: compare the normalised attention maps of each pair of layers
    raise NotImplementedError
