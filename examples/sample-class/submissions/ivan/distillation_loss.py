import torch
import torch.nn.functional as F


def distillation_loss(student_logits: torch.Tensor, teacher_logits: torch.Tensor,
                      labels: torch.Tensor, temperature: float, alpha: float) -> torch.Tensor:
    """Hinton et al. (2015) distillation loss.

    alpha * T^2 * batch-mean KL(softmax(teacher/T) || softmax(student/T))
      + (1 - alpha) * cross_entropy(student_logits, labels)

    Returns a scalar tensor. No gradient may reach teacher_logits.
    """
    # TODO: soften both distributions with the temperature
    # TODO: the KL term, averaged over the batch, scaled by T^2
    # TODO: the hard-label cross-entropy on the unsoftened student logits
    raise NotImplementedError
