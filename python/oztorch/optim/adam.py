"""torch.optim.Adam, and the Adam update that AdamW shares (with decoupled weight decay)."""
import math

import oztorch
from .optimizer import (Optimizer, _check_fused_flags, _check_fused_param, _check_lr,
                        _new_step_counter, _step_counters_as_tensors,
                        _use_grad_for_differentiable, _value)

__all__ = ["Adam", "adam"]


def _check_adam_args(lr, betas, eps, weight_decay, foreach, capturable):
    _check_lr(lr)
    if isinstance(lr, oztorch.Tensor) and foreach and not capturable:
        raise ValueError("lr as a Tensor is not supported for capturable=False and foreach=True")
    if not 0.0 <= eps:
        raise ValueError("Invalid epsilon value: {}".format(eps))
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError("Invalid beta parameter at index 0: {}".format(betas[0]))
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError("Invalid beta parameter at index 1: {}".format(betas[1]))
    if not 0.0 <= weight_decay:
        raise ValueError("Invalid weight_decay value: {}".format(weight_decay))


class Adam(Optimizer):
    r"""Implements Adam (Kingma & Ba), optionally AMSGrad, with PyTorch 2.x's update:

        g = grad (+ weight_decay * p);  m = lerp(m, g, 1-beta1);  v = beta2*v + (1-beta2)*g*g
        p -= lr / (1 - beta1^t) * m / (sqrt(v_or_max_v) / sqrt(1 - beta2^t) + eps)

    State per parameter: 'step' (0-d tensor), 'exp_avg', 'exp_avg_sq' and, with amsgrad,
    'max_exp_avg_sq'. foreach/fused/capturable pick an implementation strategy in torch; here
    the one implementation computes the same update for every choice.
    """

    _decoupled_weight_decay = False  # AdamW sets it: decay the weights, not the gradient

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None):
        _check_adam_args(lr, betas, eps, weight_decay, foreach, capturable)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        _check_fused_flags(fused, foreach, differentiable)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        _step_counters_as_tensors(self, ("capturable", "fused"))

    def _init_state(self, group, p):
        """Adam's state starts lazily, at a parameter's first step with a gradient."""
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _new_step_counter(p, group["capturable"] or group["fused"])
            state["exp_avg"] = oztorch.zeros_like(p)
            state["exp_avg_sq"] = oztorch.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = oztorch.zeros_like(p)
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
            states = [self._init_state(group, p) for p in params]
            beta1, beta2 = group["betas"]
            adam(params, [p.grad for p in params], [s["exp_avg"] for s in states],
                 [s["exp_avg_sq"] for s in states],
                 [s.get("max_exp_avg_sq") for s in states], [s["step"] for s in states],
                 amsgrad=group["amsgrad"], beta1=beta1, beta2=beta2, lr=group["lr"],
                 weight_decay=group["weight_decay"], eps=group["eps"],
                 maximize=group["maximize"], differentiable=group["differentiable"],
                 decoupled_weight_decay=self._decoupled_weight_decay)
        return loss


def adam(params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, state_steps, *, amsgrad,
         beta1, beta2, lr, weight_decay, eps, maximize, decoupled_weight_decay=False,
         differentiable=False, **_implementation_flags):
    """Functional Adam (torch.optim.adam.adam): updates params and the state lists in place.
    decoupled_weight_decay=True gives AdamW."""
    lr = _value(lr)
    for i, param in enumerate(params):
        grad = -grads[i] if maximize else grads[i]
        exp_avg, exp_avg_sq, step_t = exp_avgs[i], exp_avg_sqs[i], state_steps[i]
        step_t.add_(1)
        if weight_decay != 0:
            if decoupled_weight_decay:
                param.mul_(1 - lr * weight_decay)
            else:
                grad = grad.add(param, alpha=weight_decay)
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)

        step = _value(step_t)
        step_size = lr / (1 - beta1 ** step)
        bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
        if amsgrad:
            # Keep the running maximum of the second moment, and use it in the denominator.
            # (differentiable=True: maximum's backward needs the old maximum, so use a copy)
            old_max = max_exp_avg_sqs[i].clone() if differentiable else max_exp_avg_sqs[i]
            max_exp_avg_sqs[i].copy_(oztorch.maximum(old_max, exp_avg_sq))
            second_moment = max_exp_avg_sqs[i]
        else:
            second_moment = exp_avg_sq
        denom = (second_moment.sqrt() / bias_correction2_sqrt).add_(eps)
        param.addcdiv_(exp_avg, denom, value=-step_size)
