"""Hidden tests for rotation-prediction."""

import math

import torch

from judge.testing import assert_close, randn, run_unchanged


class ConstantLogits(torch.nn.Module):
    """Logits [300, 0, 0, 0] for every image, whatever it shows."""

    def forward(self, x):
        return x.flatten(1).sum(1, keepdim=True) * 0.0 + torch.tensor([300.0, 0.0, 0.0, 0.0])


def tiny_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU(),
                               torch.nn.Flatten(), torch.nn.Linear(4 * 5 * 5, 4))


def test_rotated_batch_matches_reference(submission, reference):
    x = randn(3, 3, 5, 5, seed=1)
    got, want = submission.rotate_batch(x), reference.rotate_batch(x)
    assert_close(got[0], want[0], name="rotated images (rotation-major order, rot90 direction)")


def test_labels_are_int64_in_rotation_major_order(submission):
    rotated, labels = submission.rotate_batch(randn(3, 1, 4, 4, seed=2))
    assert labels.dtype == torch.int64, f"labels should be int64, got {labels.dtype}"
    assert labels.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], (
        "labels should be rotation-major: N zeros, then N ones, N twos, N threes")


def test_quarter_turn_direction(submission):
    x = torch.zeros(1, 1, 3, 3)
    x[0, 0, 0, 2] = 1.0                                   # a dot in the top-right corner
    rotated, _ = submission.rotate_batch(x)
    pos = [divmod(int(rotated[k, 0].argmax()), 3) for k in range(4)]
    assert pos == [(0, 2), (0, 0), (2, 0), (2, 2)], (
        f"a top-right dot should move (row, col) (0,2) -> (0,0) -> (2,0) -> (2,2) for k = 0..3 "
        f"(torch.rot90 with dims=(-2, -1)); got {pos}")


def test_rotations_are_rotations_not_reflections(submission):
    x = randn(2, 1, 4, 4, seed=3)
    rotated, _ = submission.rotate_batch(x)
    n = 2
    for k in range(4):
        back = torch.rot90(rotated[k * n:(k + 1) * n], -k, dims=(-2, -1))
        assert torch.allclose(back, x), (
            f"turning the k={k} block back by k quarter turns should give the original images")


def test_single_image_and_float64(submission, reference):
    x = randn(1, 2, 6, 6, seed=4, dtype=torch.float64)
    got = submission.rotate_batch(x)
    assert got[0].dtype == torch.float64, "rotated images should keep the input dtype"
    assert_close(got[0], reference.rotate_batch(x)[0], name="rotated batch with N=1 (float64)")


def test_non_square_images_raise_value_error(submission):
    def probe(m):
        try:
            m.rotate_batch(torch.zeros(2, 1, 4, 5))
        except ValueError:
            return "ValueError"
        except Exception as e:  # noqa: BLE001
            return type(e).__name__
        return "no error"

    got = submission.run(probe)
    assert got == "ValueError", f"non-square images should raise ValueError, got {got}"


def test_loss_matches_reference(submission, reference):
    def probe(m):
        return m.rotation_loss(tiny_model(), randn(4, 3, 5, 5, seed=5))

    assert_close(submission.run(probe), reference.run(probe),
                 name="rotation loss of a small conv net (mean over 4N predictions)")


def test_loss_gradients_reach_the_model(submission, reference):
    def probe(m):
        model = tiny_model()
        m.rotation_loss(model, randn(2, 3, 5, 5, seed=6)).backward()
        return [p.grad if p.grad is not None else torch.zeros_like(p) for p in model.parameters()]

    assert_close(submission.run(probe), reference.run(probe), name="gradients of the model")


def test_inputs_are_not_modified(submission):
    x = randn(2, 3, 5, 5, seed=7)

    def probe(m, x):
        m.rotate_batch(x)
        m.rotation_loss(tiny_model(), x)

    run_unchanged(submission, probe, x, name="images after the calls")


def test_rotated_batch_passes_gradients_to_images(submission, reference):
    def probe(m):
        x = randn(2, 2, 4, 4, seed=8, requires_grad=True)
        rotated, _ = m.rotate_batch(x)
        (rotated * randn(8, 2, 4, 4, seed=9)).sum().backward()
        return x.grad if x.grad is not None else torch.zeros(2, 2, 4, 4)

    assert_close(submission.run(probe), reference.run(probe),
                 name="gradient on images of a weighted sum of the rotated batch")


def test_loss_passes_gradients_to_images(submission, reference):
    def probe(m):
        x = randn(2, 3, 5, 5, seed=10, requires_grad=True)
        m.rotation_loss(tiny_model(), x).backward()
        return x.grad if x.grad is not None else torch.zeros(2, 3, 5, 5)

    assert_close(submission.run(probe), reference.run(probe), name="gradient of the loss on images")


def test_loss_with_logits_hundreds_apart(submission):
    # logits [300, 0, 0, 0] for every image: the loss is logsumexp - mean of the label logits
    # = 300 + log(1 + 3 e^-300) - 300 / 4 = 225 (to float precision)
    def probe(m):
        return m.rotation_loss(ConstantLogits(), randn(2, 1, 3, 3, seed=11))

    assert_close(submission.run(probe), torch.tensor(225.0 + math.log1p(3.0 * math.exp(-300.0))),
                 name="rotation loss of a model whose logits are 300 apart")
