"""Mistake: the random replacement is drawn with probability 0.1 of the REMAINING 20%, giving 2% random and 18% unchanged."""


import torch


def mask_tokens(input_ids: torch.Tensor, special_mask: torch.Tensor, mask_token_id: int,
                vocab_size: int, generator: torch.Generator,
                mlm_probability: float = 0.15) -> tuple[torch.Tensor, torch.Tensor]:
    ids = input_ids.clone()
    labels = input_ids.clone()
    probs = torch.full(ids.shape, float(mlm_probability)).masked_fill(special_mask, 0.0)
    selected = torch.bernoulli(probs, generator=generator).bool()
    labels[~selected] = -100
    u = torch.rand(ids.shape, generator=generator)
    to_mask = selected & (u < 0.8)
    u2 = torch.rand(ids.shape, generator=generator)
    to_random = selected & ~to_mask & (u2 < 0.1)
    random_ids = torch.randint(0, vocab_size, ids.shape, generator=generator, dtype=ids.dtype)
    ids[to_mask] = mask_token_id
    ids[to_random] = random_ids[to_random]
    return ids, labels
