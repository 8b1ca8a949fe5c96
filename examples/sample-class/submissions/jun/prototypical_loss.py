import torch


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    onehot_labels = torch.nn.functional.one_hot(support_labels, num_classes=n_way).to(support.dtype)
    sums = onehot_labels.T @ support
    centres = sums / onehot_labels.sum(dim=0).unsqueeze(1)
    d = torch.cdist(query, centres) ** 2
    log_p = torch.log_softmax(-d, dim=1)
    loss = -log_p[torch.arange(len(query_labels)), query_labels].mean()
    acc = (d.argmin(1) == query_labels).to(support.dtype).mean()
    return loss, acc.detach()
