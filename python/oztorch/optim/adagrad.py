"""torch.optim.Adagrad: per-coordinate learning rates from the sum of squared gradients."""
import oztorch
from .optimizer import (Optimizer, _check_fused_flags, _check_fused_param, _check_lr,
                        _new_step_counter, _step_counters_as_tensors,
                        _use_grad_for_differentiable, _value)

__all__ = ["Adagrad", "adagrad"]


class Adagrad(Optimizer):
    r"""Implements Adagrad with PyTorch 2.x's update:

        g = grad (+ weight_decay * p);  clr = lr / (1 + (t - 1) * lr_decay)
        s += g*g;  p -= clr * g / (sqrt(s) + eps)

    Unlike the other optimizers, the state ('step', 'sum' = initial_accumulator_value) exists
    from construction on, so state_dict() lists every parameter before the first step.
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError("Invalid lr_decay value: {}".format(lr_decay))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: {}".format(
                initial_accumulator_value))
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_fused_flags(fused, foreach, differentiable)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(group, p)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        _step_counters_as_tensors(self, ("fused",))

    def _init_state(self, group, p):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _new_step_counter(p, group["fused"])
            # torch fills from the constructor's value, even where a group sets its own.
            state["sum"] = oztorch.full_like(p, self.defaults["initial_accumulator_value"])
        return state

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns closure()'s loss."""
        loss = self._evaluate_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if group["fused"]:
                for p in params:
                    _check_fused_param(p)
            # Parameters added by add_param_group after construction start their state here.
            states = [self._init_state(group, p) for p in params]
            adagrad(params, [p.grad for p in params], [s["sum"] for s in states],
                    [s["step"] for s in states], lr=group["lr"],
                    weight_decay=group["weight_decay"], lr_decay=group["lr_decay"],
                    eps=group["eps"], maximize=group["maximize"])
        return loss


def adagrad(params, grads, state_sums, state_steps, *, lr, weight_decay, lr_decay, eps,
            maximize, **_implementation_flags):
    """Functional Adagrad (torch.optim.adagrad.adagrad): updates params and state in place."""
    lr = _value(lr)
    for i, param in enumerate(params):
        grad = -grads[i] if maximize else grads[i]
        state_steps[i].add_(1)
        step = _value(state_steps[i])
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        state_sums[i].addcmul_(grad, grad, value=1)
        std = state_sums[i].sqrt() + eps  # not in place: sqrt's backward needs its output
        param.addcdiv_(grad, std, value=-clr)
