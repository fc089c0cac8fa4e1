"""torch.optim.Optimizer: the bookkeeping every optimizer shares.

A subclass passes its hyper-parameter defaults and writes `step()`; this base class owns the
parameter groups (`param_groups`, each a dict of tensors plus options), the per-parameter state
(`state`, a defaultdict keyed by the parameter tensor), `state_dict()` / `load_state_dict()` in
torch's exact layout (so either library can load the other's dicts), `zero_grad()` and the
step / state-dict hooks. Semantics follow PyTorch 2.x (e.g. `zero_grad(set_to_none=True)` and
`load_state_dict` keeping the loaded tensors when no cast is needed).
"""
import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import oztorch
from ..utils.hooks import RemovableHandle

__all__ = ["Optimizer", "register_optimizer_step_pre_hook", "register_optimizer_step_post_hook"]


class _RequiredParameter:
    """Marks a default that every parameter group must set itself."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()

# Hooks that run around every optimizer's step (torch.optim.optimizer.register_optimizer_step_*).
_global_step_pre_hooks = OrderedDict()
_global_step_post_hooks = OrderedDict()


def register_optimizer_step_pre_hook(hook):
    """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before every step()."""
    handle = RemovableHandle(_global_step_pre_hooks)
    _global_step_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook):
    """hook(optimizer, args, kwargs), after every optimizer's step()."""
    handle = RemovableHandle(_global_step_post_hooks)
    _global_step_post_hooks[handle.id] = hook
    return handle


def _typename(obj):
    """How torch.typename names `obj` in messages ('int', 'torch.FloatTensor', 'my.Class')."""
    if isinstance(obj, oztorch.Tensor):
        return obj.type() if hasattr(obj, "type") else "torch.Tensor"
    cls = type(obj)
    module = "" if cls.__module__ in ("builtins", None) else cls.__module__ + "."
    return module + cls.__qualname__


def _scalar_dtype(is_fused=None):
    """dtype of the 'step' counters: float64 when that is the default dtype, else float32."""
    if is_fused:
        return oztorch.float32
    return oztorch.float64 if oztorch.get_default_dtype() == oztorch.float64 else oztorch.float32


def _new_step_counter(param, on_param_device):
    """A 0-d zero 'step' tensor; capturable/fused optimizers keep it beside the parameter."""
    if on_param_device:
        return oztorch.zeros((), dtype=_scalar_dtype(True), device=param.device)
    return oztorch.tensor(0.0, dtype=_scalar_dtype())


def _value(x):
    """A Python number from a number or a one-element tensor (a step counter, a tensor lr)."""
    return x.item() if isinstance(x, oztorch.Tensor) else x


def _check_lr(lr):
    if isinstance(lr, oztorch.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError("Invalid learning rate: {}".format(lr))


def _check_fused_flags(fused, foreach, differentiable):
    if fused and differentiable:
        raise RuntimeError("`fused` does not support `differentiable`")
    if fused and foreach:
        raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _check_fused_param(param):
    # The one fused implementation here runs wherever the tensor lives; torch's also wants floats.
    if not param.is_floating_point():
        raise RuntimeError("`fused=True` requires all the params to be floating point Tensors of "
                           "supported devices, but got %s on %s" % (param.dtype, param.device))


def _step_counters_as_tensors(optimizer, on_param_device_key=None):
    """For __setstate__: dicts saved by old torch versions kept 'step' as a Python number (or a
    1-element tensor); 2.x keeps a 0-d tensor, and so do we."""
    for group in optimizer.param_groups:
        on_device = bool(on_param_device_key and any(group.get(k) for k in on_param_device_key))
        for p in group["params"]:
            p_state = optimizer.state.get(p, {})
            if "step" in p_state and not isinstance(p_state["step"], oztorch.Tensor):
                counter = _new_step_counter(p, on_device)
                counter.fill_(float(p_state["step"]))
                p_state["step"] = counter


def _use_grad_for_differentiable(step):
    """Runs step() with autograd on only for differentiable=True optimizers (as torch)."""
    @functools.wraps(step)
    def step_in_grad_mode(self, *args, **kwargs):
        with oztorch.set_grad_enabled(self.defaults["differentiable"]):
            return step(self, *args, **kwargs)
    return step_in_grad_mode


def _with_step_hooks(step):
    """Wraps a subclass's step() so the global and per-optimizer step hooks run around it."""
    @functools.wraps(step)
    def hooked_step(self, *args, **kwargs):
        if getattr(self, "_running_step_hooks", False):
            # A subclass's step() calling super().step(): the hooks are already running.
            return step(self, *args, **kwargs)
        self._running_step_hooks = True
        try:
            for hook in chain(_global_step_pre_hooks.values(),
                              self._optimizer_step_pre_hooks.values()):
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError("%r must return None or a tuple of (new_args, "
                                           "new_kwargs), but got %r." % (hook, result))
                    args, kwargs = result
            out = step(self, *args, **kwargs)
            for hook in chain(self._optimizer_step_post_hooks.values(),
                              _global_step_post_hooks.values()):
                hook(self, args, kwargs)
            return out
        finally:
            self._running_step_hooks = False
    return hooked_step


class Optimizer:
    r"""Base class for all optimizers.

    Args:
        params (iterable): an iterable of Tensors or of dicts (parameter groups). Use an ordered
            collection: a set's order changes between runs.
        defaults (dict): default values of the options, used where a group does not set them.
    """

    _HOOK_TABLES = ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                    "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                    "_optimizer_load_state_dict_pre_hooks",
                    "_optimizer_load_state_dict_post_hooks")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "step" in cls.__dict__:
            cls.step = _with_step_hooks(cls.__dict__["step"])

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._init_hook_tables()
        if isinstance(params, oztorch.Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def _init_hook_tables(self):
        for name in self._HOOK_TABLES:
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())

    # ---------------------------------------------------------------- pickling and printing

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._init_hook_tables()
        self.defaults.setdefault("differentiable", False)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += "\nParameter Group {}\n".format(i)
            for key in sorted(group.keys()):
                if key != "params":
                    text += "    {}: {}\n".format(key, group[key])
        return text + ")"

    # ---------------------------------------------------------------- parameter groups

    def add_param_group(self, param_group):
        """Adds a group of parameters (a dict with 'params' and optional options), e.g. layers
        unfrozen while fine-tuning. Options the group omits take the optimizer's defaults."""
        if not isinstance(param_group, dict):
            raise TypeError("param_group must be a dict, but got " + type(param_group).__name__)
        params = param_group["params"]
        if isinstance(params, oztorch.Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)

        for param in param_group["params"]:
            if not isinstance(param, oztorch.Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 "optimization parameter " + name)
            param_group.setdefault(name, default)

        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        already_optimized = set()
        for group in self.param_groups:
            already_optimized.update(group["params"])
        if not already_optimized.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---------------------------------------------------------------- state dicts

    def state_dict(self):
        """{'state': {index: per-parameter state}, 'param_groups': [group with 'params' as
        index lists]}. Parameters are numbered in group order, as torch numbers them; the state
        tensors are the live ones, not copies."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index_of = {}  # id(param) -> index

        def pack_group(group, first_index):
            # Index = position over all groups; a parameter repeated within one group takes
            # its last position, one seen in an earlier group keeps that one (as in torch).
            new = {id(p): i for i, p in enumerate(group["params"], first_index)
                   if id(p) not in index_of}
            index_of.update(new)
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            return packed

        param_groups, first_index = [], 0
        for group in self.param_groups:
            param_groups.append(pack_group(group, first_index))
            first_index += len(group["params"])
        packed_state = {(index_of[id(k)] if isinstance(k, oztorch.Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _cast_state_value(param, value, key, group):
        """A loaded state tensor on the parameter's device, floating ones in its dtype; 'step'
        stays as saved unless the group keeps it on the device (capturable / fused)."""
        if key == "step":
            if group is not None and (group.get("capturable") or group.get("fused")):
                return value.to(dtype=oztorch.float32, device=param.device)
            return value
        if param.is_floating_point():
            return value.to(dtype=param.dtype, device=param.device)
        return value.to(device=param.device)

    def load_state_dict(self, state_dict):
        """Loads a dict from state_dict() (of this library or of torch). The groups must match
        in number and sizes; the saved options replace the current ones."""
        state_dict = state_dict.copy()  # shallow, like Module.load_state_dict
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])  # written into below
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")

        param_of = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                            chain.from_iterable(g["params"] for g in groups)))
        group_of = {}
        for saved in state_dict["param_groups"]:
            for index in saved["params"]:
                group_of.setdefault(index, saved)

        def cast(param, value, index, key=None):
            if isinstance(value, oztorch.Tensor):
                return Optimizer._cast_state_value(param, value, key, group_of.get(index))
            if isinstance(value, dict):
                return {k: cast(param, v, index, key=k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, index) for v in value)
            return value

        state = defaultdict(dict)
        for index, value in state_dict["state"].items():
            if index in param_of:
                param = param_of[index]
                state[param] = cast(param, value, index)
            else:  # state not tied to a parameter is kept as is (torch does the same)
                state[index] = value

        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
        self.__setstate__({"state": state, "param_groups": saved_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ---------------------------------------------------------------- gradients and steps

    def zero_grad(self, set_to_none=True):
        """Resets the gradients: to None by default (PyTorch 2.x), else to zeros in place."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                    continue
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    def step(self, closure=None):
        """One parameter update; closure() re-evaluates the loss. Each optimizer defines it."""
        raise NotImplementedError

    def _evaluate_closure(self, closure):
        if closure is None:
            return None
        with oztorch.enable_grad():
            return closure()

    # ---------------------------------------------------------------- hooks

    def _register(self, table, hook, prepend=False):
        hooks = getattr(self, table)
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before step()."""
        return self._register("_optimizer_step_pre_hooks", hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs), after step()."""
        return self._register("_optimizer_step_post_hooks", hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer), before state_dict() builds the dict."""
        return self._register("_optimizer_state_dict_pre_hooks", hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a replacement dict."""
        return self._register("_optimizer_state_dict_post_hooks", hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or the dict to load instead."""
        return self._register("_optimizer_load_state_dict_pre_hooks", hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer), after load_state_dict()."""
        return self._register("_optimizer_load_state_dict_post_hooks", hook, prepend)
