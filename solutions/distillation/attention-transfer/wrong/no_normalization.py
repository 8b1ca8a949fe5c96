"""Mistake: the attention maps are compared without L2 normalisation, so the loss depends on the
scale of the activations (and student and teacher layers rarely share a scale)."""



def attention_map(features):
    return features.pow(2).sum(dim=1).flatten(1)


def attention_transfer_loss(student_feats, teacher_feats, beta):
    total = 0.0
    for a_s, a_t in zip(student_feats, teacher_feats):
        total = total + (attention_map(a_s) - attention_map(a_t.detach())).norm(dim=1).mean()
    return beta / 2.0 * total
