import torch


def mask_tokens(input_ids: torch.Tensor, special_mask: torch.Tensor, mask_token_id: int,
                vocab_size: int, generator: torch.Generator,
                mlm_probability: float = 0.15) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT masked-LM corruption of a batch of token ids (B, L), int64.

    special_mask: bool (B, L), True at special/padding tokens, which are never chosen.
    Returns (corrupted_ids, labels): labels hold the original id at chosen positions and
    -100 everywhere else. All randomness comes from `generator`.
    """
    # TODO: choose each non-special token independently with probability mlm_probability
    # TODO: of the chosen: 80% -> mask_token_id, 10% -> uniform random id in [0, vocab_size),
    #       10% -> unchanged
    # TODO: labels; and do not modify input_ids
    raise NotImplementedError
