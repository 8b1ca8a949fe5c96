"""Mistake: averages over the tokens of each sequence and then over sequences, which weights a
short sequence's tokens more than a long one's, and gives 0/0 = NaN for an all-padding row."""

import torch
import torch.nn.functional as F


def token_kd_loss(student_logits, teacher_logits, attention_mask, temperature):
    T = float(temperature)
    keep = attention_mask.bool()
    log_q = F.log_softmax(student_logits / T, dim=-1)
    log_p = F.log_softmax(teacher_logits.detach() / T, dim=-1)
    kl = (log_p.exp() * (log_p - log_q)).sum(-1)           # (B, L)
    kl = torch.where(keep, kl, torch.zeros_like(kl))
    per_seq = kl.sum(1) / keep.sum(1)
    return per_seq.mean() * T * T
