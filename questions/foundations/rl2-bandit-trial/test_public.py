"""Visible examples: read them, run them with `judge test rl2-bandit-trial FILE`."""

import torch

from judge.testing import assert_close, generator

ACTIONS = [1, 0, 0, 1, 1, 1]
REWARDS = [1.0, 0.0, 0.0, 1.0, 1.0, 0.0]
DONES = [False, False, True, False, False, True]


class GRUPolicy(torch.nn.Module):
    """A small recurrent policy with seeded weights."""

    def __init__(self, n_arms, hidden=8, seed=0):
        super().__init__()
        self.cell = torch.nn.GRUCell(n_arms + 2, hidden)
        self.head = torch.nn.Linear(hidden, n_arms)
        g = generator(seed)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=g))

    def initial_state(self):
        return torch.zeros(self.cell.hidden_size)

    def forward(self, x, h):
        h = self.cell(x, h)
        return self.head(h), h


def test_worked_example_inputs(submission):
    got = submission.rl2_inputs(torch.tensor(ACTIONS), torch.tensor(REWARDS),
                                torch.tensor(DONES), 2)
    want = torch.tensor([[0., 0., 0., 0.], [0., 1., 1., 0.], [1., 0., 0., 0.],
                         [1., 0., 0., 1.], [0., 1., 1., 0.], [0., 1., 1., 0.]])
    assert_close(got, want, name="inputs of the worked example")


def test_worked_example_returns(submission):
    got = submission.trial_returns(torch.tensor(REWARDS), torch.tensor(DONES), 0.5)
    assert_close(got, torch.tensor([1.1875, 0.375, 0.75, 1.5, 1.0, 0.0]),
                 name="trial returns of the worked example")


def test_worked_example_loss(submission):
    got = submission.reinforce_loss(torch.tensor([[-0.5, -1.0, -0.2]]),
                                    torch.tensor([[2.0, 1.0, 0.5]]), torch.tensor([1.0, 1.0, 1.0]))
    assert_close(got, torch.tensor(0.4), name="loss of the worked example")


def test_run_trial_shapes_and_done_flags(submission):
    def probe(m):
        out = m.run_trial(GRUPolicy(3), torch.tensor([0.2, 0.5, 0.8]), 4, 5, generator(0))
        return {"keys": sorted(out), "dones": out["dones"], "actions": out["actions"],
                "rewards": out["rewards"], "attached": bool(out["log_probs"].requires_grad)}

    got = submission.run(probe)
    assert got["keys"] == ["actions", "dones", "log_probs", "rewards"], "keys of the result"
    done = torch.zeros(20, dtype=torch.bool)
    done[[4, 9, 14, 19]] = True
    assert_close(got["dones"], done, name="done flags of a 4 x 5 trial")
    assert got["actions"].dtype == torch.int64 and got["actions"].shape == (20,), "actions"
    assert got["rewards"].dtype == torch.float32 and got["rewards"].shape == (20,), "rewards"
    assert got["attached"], "log_probs must be attached to the autograd graph"
