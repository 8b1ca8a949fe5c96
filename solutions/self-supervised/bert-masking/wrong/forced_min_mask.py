"""Mistake: forces at least one chosen position in every sequence that has a non-special token
(a common "make sure every sequence has a target" tweak), which the statement does not allow:
the draws per position are independent, so a sequence may have none."""

import torch


def mask_tokens(input_ids, special_mask, mask_token_id, vocab_size, generator, mlm_probability=0.15):
    ids = input_ids.clone()
    labels = input_ids.clone()
    probs = torch.full(ids.shape, float(mlm_probability)).masked_fill(special_mask, 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    for i in range(ids.shape[0]):
        candidates = torch.nonzero(~special_mask[i]).flatten()
        if candidates.numel() and not bool(selected[i].any()):
            j = int(torch.randint(0, candidates.numel(), (1,), generator=generator))
            selected[i, candidates[j]] = True
    labels[~selected] = -100
    u = torch.rand(ids.shape, generator=generator)
    to_mask = selected & (u < 0.8)
    to_random = selected & (u >= 0.8) & (u < 0.9)
    random_ids = torch.randint(0, vocab_size, ids.shape, generator=generator, dtype=ids.dtype)
    ids[to_mask] = mask_token_id
    ids[to_random] = random_ids[to_random]
    return ids, labels
