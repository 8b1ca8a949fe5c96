"""Reference: Vinyals et al. (2016), arXiv:1606.04080, cosine attention over the support set."""

import torch
import torch.nn.functional as F


def matching_log_probs(support, support_labels, query, n_way):
    q = F.normalize(query, dim=-1, eps=1e-8)
    s = F.normalize(support, dim=-1, eps=1e-8)
    sim = q @ s.t()                                               # (M, S) cosine similarities
    log_attn = torch.log_softmax(sim, dim=1)                      # log a(x, x_i)
    onehot = F.one_hot(support_labels, n_way).to(torch.bool)      # (S, N)
    masked = log_attn[:, :, None].masked_fill(~onehot[None], float("-inf"))   # (M, S, N)
    return torch.logsumexp(masked, dim=1)                         # log sum_{i in class k} a_i
