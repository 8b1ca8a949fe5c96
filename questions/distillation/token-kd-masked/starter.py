import torch
import torch.nn.functional as F


def token_kd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                  attention_mask: torch.Tensor, temperature: float) -> torch.Tensor:
    """Token-level distillation loss for language models with padding.

    student_logits, teacher_logits: (B, L, V). attention_mask: (B, L), 1 (or True) for a real
    token, 0 for padding; int, float or bool. Returns the scalar
        T^2 * (sum over real tokens of KL(softmax(t/T) || softmax(s/T))) / (number of real tokens),
    and 0 when there is no real token. Padded positions may hold any value (even inf or NaN) and
    must not affect the loss or its gradient. No gradient may reach teacher_logits.
    """
    # TODO: select (or safely mask) the real tokens
    # TODO: per-token KL at temperature T, times T^2
    # TODO: average over the real tokens of the whole batch
    raise NotImplementedError
