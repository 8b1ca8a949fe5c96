import torch


def meta_objective(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    """J'(gamma) after one TD(lambda) update of a linear value function (Xu et al., 2018).

    theta (d,); phi (T+1, d), rewards (T,): trajectory for the inner update (discount gamma);
    phi2 (T'+1, d), rewards2 (T',): trajectory for the meta-objective (fixed gamma_bar, lam_bar).

    theta' = theta + alpha * mean_t (G^{gamma,lam}_t - v_theta(s_t)) phi(s_t)
    J'     = 0.5 * mean_t (stopgrad(G^{gamma_bar,lam_bar}_t under v_theta') - v_theta'(s'_t))^2

    gamma may be a 0-dim tensor with requires_grad=True: J' must be differentiable in it.
    Returns a 0-dim tensor.
    """
    # TODO: a differentiable lambda-return helper
    # TODO: the inner update, keeping its target attached to gamma
    # TODO: the meta-objective on the second trajectory, with a detached target
    raise NotImplementedError


def meta_gradient(theta, gamma, phi, rewards, phi2, rewards2, alpha, lam, gamma_bar, lam_bar):
    """Return (J', dJ'/dgamma) as two detached 0-dim tensors, computed with autograd."""
    # TODO: make gamma a fresh leaf tensor that requires grad, call meta_objective, differentiate
    raise NotImplementedError
