"""Mistake: the attention mask is ignored: the KL is averaged over every position, padding included
(the DistilBERT-style batchmean over all B * L positions)."""

import torch.nn.functional as F


def token_kd_loss(student_logits, teacher_logits, attention_mask, temperature):
    T = float(temperature)
    V = student_logits.shape[-1]
    log_q = F.log_softmax(student_logits.reshape(-1, V) / T, dim=-1)
    p = F.softmax(teacher_logits.detach().reshape(-1, V) / T, dim=-1)
    return F.kl_div(log_q, p, reduction="batchmean") * T * T
