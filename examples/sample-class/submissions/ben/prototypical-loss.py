import torch


def prototypical_loss(support, support_labels, query, query_labels, n_way):
    one_hot = torch.nn.functional.one_hot(support_labels, num_classes=n_way).to(support.dtype)
    sums = one_hot.T @ support
    protos = sums / one_hot.sum(dim=0).unsqueeze(1)
    d = torch.cdist(query, protos) ** 2
    log_p = torch.log_softmax(-d, dim=1)
    loss = -log_p[torch.arange(len(query_labels)), query_labels].mean()
    acc = (d.argmin(1) == query_labels).to(support.dtype).mean()
    return loss, acc.detach()
