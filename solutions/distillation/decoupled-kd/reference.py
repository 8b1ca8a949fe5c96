"""Reference: Decoupled Knowledge Distillation (Zhao et al., 2022, arXiv:2203.08679).

TCKD and NCKD at temperature T, each multiplied by T^2 and averaged over the batch, with every
log-probability computed in log space (logsumexp), so a very confident student or teacher gives a
large but finite loss.
"""

import torch


def _log_parts(logits, labels, T):
    """Log-probabilities of the binary (target, non-target) split and of the renormalised
    distribution over the non-target classes (the target's entry is a placeholder 0)."""
    z = logits / T
    target = torch.zeros_like(z, dtype=torch.bool).scatter(1, labels.reshape(-1, 1), True)
    lse_all = torch.logsumexp(z, dim=1)
    z_other = z.masked_fill(target, float("-inf"))
    lse_other = torch.logsumexp(z_other, dim=1)
    log_b = torch.stack([z.gather(1, labels.reshape(-1, 1)).squeeze(1) - lse_all,
                         lse_other - lse_all], dim=1)                         # (B, 2)
    log_hat = (z_other - lse_other[:, None]).masked_fill(target, 0.0)       # (B, C); y unused
    return log_b, log_hat, target


def dkd_terms(student_logits, teacher_logits, labels, temperature):
    T = float(temperature)
    log_bs, log_hs, target = _log_parts(student_logits, labels, T)
    log_bt, log_ht, _ = _log_parts(teacher_logits.detach(), labels, T)
    B = student_logits.shape[0]
    tckd = (log_bt.exp() * (log_bt - log_bs)).sum() / B
    p_hat_t = log_ht.exp().masked_fill(target, 0.0)                           # the target excluded
    nckd = (p_hat_t * (log_ht - log_hs)).sum() / B
    return tckd * (T * T), nckd * (T * T)


def dkd_loss(student_logits, teacher_logits, labels, alpha, beta, temperature):
    tckd, nckd = dkd_terms(student_logits, teacher_logits, labels, temperature)
    return alpha * tckd + beta * nckd
