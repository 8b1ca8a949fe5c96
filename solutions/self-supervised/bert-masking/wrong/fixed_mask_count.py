"""Mistake: chooses exactly round(mlm_probability * n) positions in every sequence (a fixed count,
as a random permutation would give) instead of an independent Bernoulli draw per position."""

import torch


def mask_tokens(input_ids, special_mask, mask_token_id, vocab_size, generator, mlm_probability=0.15):
    ids = input_ids.clone()
    labels = input_ids.clone()
    selected = torch.zeros_like(special_mask)
    for i in range(ids.shape[0]):
        candidates = torch.nonzero(~special_mask[i]).flatten()
        k = int(round(mlm_probability * candidates.numel()))
        pick = candidates[torch.randperm(candidates.numel(), generator=generator)[:k]]
        selected[i, pick] = True
    labels[~selected] = -100
    u = torch.rand(ids.shape, generator=generator)
    to_mask = selected & (u < 0.8)
    to_random = selected & (u >= 0.8) & (u < 0.9)
    random_ids = torch.randint(0, vocab_size, ids.shape, generator=generator, dtype=ids.dtype)
    ids[to_mask] = mask_token_id
    ids[to_random] = random_ids[to_random]
    return ids, labels
