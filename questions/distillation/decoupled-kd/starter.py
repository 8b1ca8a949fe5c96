import torch
import torch.nn.functional as F  # noqa: F401  (you may need it)


def dkd_terms(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
              temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(TCKD, NCKD): binary target/non-target KL and the KL over the renormalised non-target
    classes, each times T^2 and averaged over the batch (see the Problem)."""
    # TODO: a (B, C) mask of the target class; log-probabilities in log space
    # TODO: KL(teacher || student) for the binary split and for the non-target classes
    raise NotImplementedError


def dkd_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor,
             alpha: float, beta: float, temperature: float) -> torch.Tensor:
    """alpha * TCKD + beta * NCKD, a scalar tensor."""
    raise NotImplementedError
