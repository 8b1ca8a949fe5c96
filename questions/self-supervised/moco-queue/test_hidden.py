"""Hidden tests for moco-queue: the loss, the FIFO queue and the momentum update."""

import math

import pytest
import torch
import torch.nn.functional as F

from judge.testing import assert_close, expect, make_embeddings, randn, run_unchanged

LOSS_CASES = [  # batch N, queue K, dim D, temperature
    (4, 16, 8, 0.07),
    (1, 5, 3, 0.2),
    (8, 32, 16, 0.5),
]


def _unit(n, d, seed, dtype=torch.float32):
    return F.normalize(make_embeddings(n, d, seed=seed, dtype=torch.float64), dim=1).to(dtype)


def _batch(n, k, d, seed, dtype=torch.float32):
    """Normalised queries, keys correlated with them, and a normalised queue."""
    q = _unit(n, d, seed, torch.float64)
    key = F.normalize(q + 0.5 * randn(n, d, seed=seed + 1, dtype=torch.float64), dim=1)
    return q.to(dtype), key.to(dtype), _unit(k, d, seed + 2, dtype)


@pytest.mark.parametrize("n,k,d,tau", LOSS_CASES, ids=["N4-K16-T0.07", "N1-K5-T0.2",
                                                        "N8-K32-T0.5"])
def test_loss_and_logits_match_reference(submission, reference, n, k, d, tau):
    q, key, queue = _batch(n, k, d, seed=n + k + d)
    got_loss, got_logits = submission.moco_loss(q, key, queue, tau)
    want_loss, want_logits = reference.moco_loss(q, key, queue, tau)
    assert_close(got_logits, want_logits, name="logits")
    assert_close(got_loss, want_loss, name="loss")


def test_small_temperature_stays_finite(submission):
    # tau = 0.01: logits [[-100, 100, 0]], so the loss is log(e^-100 + e^100 + e^0) + 100
    q = torch.tensor([[1.0, 0.0]])
    key = torch.tensor([[-1.0, 0.0]])
    queue = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    loss, logits = submission.moco_loss(q, key, queue, 0.01)
    assert_close(logits, torch.tensor([[-100.0, 100.0, 0.0]]),
                 name="logits at temperature 0.01")
    expected = 200.0 + math.log1p(math.exp(-100.0) + math.exp(-200.0))
    assert_close(loss, torch.tensor(expected),
                 name="loss at temperature 0.01 with the positive 200 below a negative")

def test_positive_logit_in_column_zero(submission):
    q, key, queue = _batch(5, 7, 4, seed=1)
    _, logits = submission.moco_loss(q, key, queue, 0.1)
    assert isinstance(logits, torch.Tensor) and logits.shape == (5, 8), (
        f"logits should have shape (N, 1 + K) = (5, 8), got {getattr(logits, 'shape', None)}")
    assert_close(logits[:, 0], (q * key).sum(1) / 0.1,
                 name="column 0 of the logits (the positive q.k / tau)")
    assert_close(logits[:, 1:], q @ queue.T / 0.1,
                 name="columns 1..K of the logits (queries against the queue, in queue order)")


def test_loss_is_a_scalar(submission):
    q, key, queue = _batch(3, 4, 4, seed=2)
    loss, _ = submission.moco_loss(q, key, queue, 0.2)
    assert isinstance(loss, torch.Tensor) and loss.shape == (), (
        f"expected a scalar loss of shape (), got {getattr(loss, 'shape', type(loss).__name__)}")


def test_gradient_reaches_queries_only(submission, reference):
    def probe(m):
        q0, k0, queue0 = _batch(4, 6, 5, seed=3)
        q = q0.clone().requires_grad_(True)
        key = k0.clone().requires_grad_(True)
        queue = queue0.clone().requires_grad_(True)
        loss, _ = m.moco_loss(q, key, queue, 0.2)
        loss.backward()
        zeros = torch.zeros_like
        return {"q": q.grad,
                "k": key.grad if key.grad is not None else zeros(key),
                "queue": queue.grad if queue.grad is not None else zeros(queue)}

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got["k"], want["k"], name="gradient on the keys (they must be detached)")
    assert_close(got["queue"], want["queue"], name="gradient on the queue")
    assert_close(got["q"], want["q"], rtol=1e-4, atol=1e-6, name="gradient on the queries")


def test_loss_float64(submission, reference):
    q, key, queue = _batch(4, 9, 6, seed=4, dtype=torch.float64)
    got_loss, got_logits = submission.moco_loss(q, key, queue, 0.07)
    assert got_loss.dtype == torch.float64 and got_logits.dtype == torch.float64, (
        "float64 inputs should give float64 loss and logits")
    assert_close(got_loss, reference.moco_loss(q, key, queue, 0.07)[0], rtol=1e-9, atol=1e-10,
                 name="loss on float64 inputs")


@pytest.mark.parametrize("size,ptr,n", [(8, 0, 3), (8, 6, 4), (6, 3, 6), (5, 4, 1)],
                         ids=["no-wrap", "wrap", "batch-equals-queue", "last-row"])
def test_enqueue_matches_reference(submission, reference, size, ptr, n):
    queue, keys = randn(size, 3, seed=size + ptr), randn(n, 3, seed=100 + n)
    got_q, got_p = submission.enqueue(queue, ptr, keys)
    want_q, want_p = reference.enqueue(queue, ptr, keys)
    assert_close(got_q, want_q, atol=0.0, rtol=0.0,
                 name=f"queue after enqueueing {n} keys at ptr={ptr} of K={size}")
    assert_close(got_p, want_p, name=f"new pointer (a Python int) after enqueueing {n} keys at "
                                     f"ptr={ptr} of K={size}")


def test_queue_keeps_the_most_recent_keys(submission, reference):
    def probe(m):
        queue, ptr = torch.zeros(6, 2), 0
        for step in range(5):  # 5 batches of 4 keys through a queue of 6
            keys = torch.full((4, 2), float(step)) + torch.arange(4.0).unsqueeze(1) / 10
            queue, ptr = m.enqueue(queue, ptr, keys)
        return queue, ptr

    got, want = submission.run(probe), reference.run(probe)
    assert_close(got[0], want[0], atol=0.0, rtol=0.0,
                 name="queue after 5 enqueues of 4 keys into K=6 (the 6 newest keys, FIFO)")
    assert_close(got[1], want[1], name="pointer after 5 enqueues")


def test_enqueue_is_pure_and_detached(submission):
    queue = randn(5, 3, seed=7)
    keys = randn(2, 3, seed=8, requires_grad=True)

    def probe(m, queue, keys):
        new_queue, _ = m.enqueue(queue, 1, keys)
        return {"new_requires_grad": bool(new_queue.requires_grad),
                "same_object": new_queue is queue}

    got = run_unchanged(submission, probe, queue, keys, name="queue and keys after enqueue")
    expect(not got["same_object"], "the queue returned by enqueue",
           "enqueue returned the input queue object; the statement asks for a new tensor")
    expect(not got["new_requires_grad"], "requires_grad of the new queue",
           "the new queue carries autograd history; stored keys must be detached")


@pytest.mark.parametrize("m", [0.9, 0.999, 0.0, 1.0])
def test_momentum_update_matches_reference(submission, reference, m):
    shapes = [(3, 4), (4,), (2, 2, 2)]
    key_params = [randn(*s, seed=20 + i) for i, s in enumerate(shapes)]
    query_params = [randn(*s, seed=40 + i) for i, s in enumerate(shapes)]
    got = submission.momentum_update(key_params, query_params, m)
    want = reference.momentum_update(key_params, query_params, m)
    assert_close(list(got), want, rtol=1e-6, atol=1e-7, name=f"updated key parameters (m={m})")


def test_momentum_update_is_pure_and_detached(submission):
    key_params = [randn(3, 2, seed=60), randn(2, seed=61)]
    query_params = [randn(3, 2, seed=62, requires_grad=True), randn(2, seed=63, requires_grad=True)]

    def probe(m, key_params, query_params):
        out = m.momentum_update(key_params, query_params, 0.99)
        return [bool(t.requires_grad) for t in out]

    requires_grad = run_unchanged(submission, probe, key_params, query_params,
                                  name="key and query parameters after the update")
    expect(not any(requires_grad), "requires_grad of the updated key parameters",
           "updated key parameters carry autograd history; they must be detached")
