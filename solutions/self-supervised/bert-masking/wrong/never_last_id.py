"""Mistake: random replacement ids from randint(0, vocab_size - 1), whose upper bound is
exclusive: the last id of the vocabulary can never be drawn."""

import torch


def mask_tokens(input_ids, special_mask, mask_token_id, vocab_size, generator, mlm_probability=0.15):
    ids = input_ids.clone()
    labels = input_ids.clone()
    probs = torch.full(ids.shape, float(mlm_probability)).masked_fill(special_mask, 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    labels[~selected] = -100
    u = torch.rand(ids.shape, generator=generator)
    to_mask = selected & (u < 0.8)
    to_random = selected & (u >= 0.8) & (u < 0.9)
    random_ids = torch.randint(0, vocab_size - 1, ids.shape, generator=generator, dtype=ids.dtype)
    ids[to_mask] = mask_token_id
    ids[to_random] = random_ids[to_random]
    return ids, labels
