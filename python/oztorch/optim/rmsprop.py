"""torch.optim.RMSprop: divide the gradient by a running root mean square of its history."""
import oztorch
from .optimizer import (Optimizer, _check_lr, _new_step_counter, _step_counters_as_tensors,
                        _use_grad_for_differentiable, _value)

__all__ = ["RMSprop", "rmsprop"]


class RMSprop(Optimizer):
    r"""Implements RMSprop with PyTorch 2.x's update:

        g = grad (+ weight_decay * p);  v = alpha*v + (1-alpha)*g*g
        centered: a = lerp(a, g, 1-alpha), denom = sqrt(v - a*a) + eps;  else denom = sqrt(v) + eps
        momentum > 0: b = momentum*b + g/denom, p -= lr*b;  else p -= lr * g/denom

    State per parameter: 'step' (0-d tensor), 'square_avg', 'momentum_buffer' when momentum > 0
    and 'grad_avg' when centered.
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        _check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError("Invalid epsilon value: {}".format(eps))
        if not 0.0 <= momentum:
            raise ValueError("Invalid momentum value: {}".format(momentum))
        if not 0.0 <= weight_decay:
            raise ValueError("Invalid weight_decay value: {}".format(weight_decay))
        if not 0.0 <= alpha:
            raise ValueError("Invalid alpha value: {}".format(alpha))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        _step_counters_as_tensors(self, ("capturable",))

    def _init_state(self, group, p):
        """RMSprop's state starts lazily, at a parameter's first step with a gradient."""
        state = self.state[p]
        if len(state) == 0:
            state["step"] = _new_step_counter(p, group["capturable"])
            state["square_avg"] = oztorch.zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = oztorch.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = oztorch.zeros_like(p)
        return state

    @_use_grad_for_differentiable
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns closure()'s loss."""
        loss = self._evaluate_closure(closure)
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            states = [self._init_state(group, p) for p in params]
            rmsprop(params, [p.grad for p in params], [s["square_avg"] for s in states],
                    [s.get("grad_avg") for s in states],
                    [s.get("momentum_buffer") for s in states], [s["step"] for s in states],
                    lr=group["lr"], alpha=group["alpha"], eps=group["eps"],
                    weight_decay=group["weight_decay"], momentum=group["momentum"],
                    centered=group["centered"], maximize=group["maximize"])
        return loss


def rmsprop(params, grads, square_avgs, grad_avgs, momentum_buffer_list, state_steps, *, lr,
            alpha, eps, weight_decay, momentum, centered, maximize, **_implementation_flags):
    """Functional RMSprop (torch.optim.rmsprop.rmsprop): updates params and state in place."""
    lr = _value(lr)
    for i, param in enumerate(params):
        grad = -grads[i] if maximize else grads[i]
        square_avg = square_avgs[i]
        state_steps[i].add_(1)
        if weight_decay != 0:
            grad = grad.add(param, alpha=weight_decay)
        square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if centered:
            grad_avg = grad_avgs[i]
            grad_avg.lerp_(grad, 1 - alpha)
            # Variance instead of the raw second moment: v - E[g]^2.
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg + eps  # not in place: sqrt's backward (differentiable=True) needs its output
        if momentum > 0:
            buf = momentum_buffer_list[i]
            buf.mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-lr)
        else:
            param.addcdiv_(grad, avg, value=-lr)
