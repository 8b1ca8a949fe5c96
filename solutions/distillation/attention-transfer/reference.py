"""Reference: attention transfer, Zagoruyko & Komodakis (2017), arXiv:1612.03928.

Q = vec(sum_c |A_c|^2), normalised by max(||Q||_2, 1e-12); the loss follows the paper's formula:
beta / 2 * sum over layer pairs of the batch mean of || Q_s/||Q_s|| - Q_t/||Q_t|| ||_2 (unsquared).
"""


EPS = 1e-12


def attention_map(features):
    q = features.abs().pow(2).sum(dim=1).flatten(1)                    # (B, H*W)
    return q / q.norm(p=2, dim=1, keepdim=True).clamp_min(EPS)


def attention_transfer_loss(student_feats, teacher_feats, beta):
    total = None
    for a_s, a_t in zip(student_feats, teacher_feats, strict=True):
        diff = attention_map(a_s) - attention_map(a_t.detach())
        term = diff.norm(p=2, dim=1).mean()                             # batch mean of ||.||_2
        total = term if total is None else total + term
    return beta / 2.0 * total
