"""Mistake: labels are copied after the replacements, so most labels are the [MASK] id instead of the original token."""


import torch


def mask_tokens(input_ids: torch.Tensor, special_mask: torch.Tensor, mask_token_id: int,
                vocab_size: int, generator: torch.Generator,
                mlm_probability: float = 0.15) -> tuple[torch.Tensor, torch.Tensor]:
    ids = input_ids.clone()
    probs = torch.full(ids.shape, float(mlm_probability)).masked_fill(special_mask, 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    u = torch.rand(ids.shape, generator=generator)
    to_mask = selected & (u < 0.8)
    to_random = selected & (u >= 0.8) & (u < 0.9)
    random_ids = torch.randint(0, vocab_size, ids.shape, generator=generator, dtype=ids.dtype)
    ids[to_mask] = mask_token_id
    ids[to_random] = random_ids[to_random]
    labels = ids.clone()
    labels[~selected] = -100
    return ids, labels
