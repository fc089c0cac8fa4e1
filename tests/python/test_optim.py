"""torch.optim parity: the same training loop on both libraries, from the same starting values and
with gradients from each library's own autograd, must give the same parameters, state and
state dicts; bad arguments must raise what torch raises.

The oracle is torch 1.13; OzTorch follows PyTorch 2.x where the two differ. Those places are
spelled out next to the tests (TORCH2_GROUP_DEFAULTS, zero_grad's default, SGD without
momentum keeping no state, AdamW/RMSprop 'step' counters as 0-d tensors).
"""
import copy
import warnings

import numpy as np
import pytest
import torch

from conftest import check, oz

STEPS = 20
RNG = np.random.default_rng(1234)
X = RNG.normal(size=(8, 3))
Y = RNG.normal(size=(8, 2))
W0 = RNG.normal(size=(3, 2))
B0 = RNG.normal(size=(2,))
UNUSED0 = RNG.normal(size=(4,))

# Options a 2.x optimizer's param groups have that 1.13's lack (or whose default changed);
# applied to the oracle's groups before comparing reprs and state dicts.
TORCH2_GROUP_DEFAULTS = {
    "SGD": {"fused": None},
    "Adam": {"fused": None},
    "AdamW": {"differentiable": False, "fused": None},
    "RMSprop": {"capturable": False},
    "Adagrad": {"differentiable": False, "fused": None},
}


def lib(T):
    return T if T is torch else oz()


def make_params(T, dtype="float64"):
    """w, b (used by the loss) and a parameter the loss never touches (no gradient)."""
    T = lib(T)
    return [T.tensor(a.tolist(), dtype=getattr(T, dtype), requires_grad=True)
            for a in (W0, B0, UNUSED0)]


def loss_of(T, params):
    """Least squares plus a quartic term, so the curvature changes from step to step."""
    w, b = params[0], params[1]
    x = T.tensor(X.tolist(), dtype=w.dtype)
    y = T.tensor(Y.tolist(), dtype=w.dtype)
    return ((x @ w + b - y) ** 2).mean() + 0.05 * (w ** 4).sum()


def train(T, params, opt, steps=STEPS):
    for _ in range(steps):
        opt.zero_grad()
        loss_of(T, params).backward()
        opt.step()


def as_numpy(t):
    return np.array(t.tolist(), dtype=np.float64).reshape(tuple(t.shape))


def assert_close(ref, got, where, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(as_numpy(got), as_numpy(ref), rtol=rtol, atol=atol,
                               err_msg=where)


def assert_same_state(ref_state, got_state, rtol=1e-10):
    """Per-parameter state dicts ({index or param: {name: value}}) with the same entries and
    values; 'step' counters compare by value (1.13 keeps some as ints or 1-element tensors).
    1.13's SGD without momentum stores 'momentum_buffer': None, which 2.x no longer stores."""
    ref_state = {key: {name: v for name, v in entry.items() if v is not None}
                 for key, entry in ref_state.items()}
    ref_state = {key: entry for key, entry in ref_state.items() if entry}
    assert sorted(got_state) == sorted(ref_state)
    for key in ref_state:
        ref, got = ref_state[key], got_state[key]
        assert list(got) == list(ref), "state[%s]: keys %s, torch has %s" % (key, list(got),
                                                                           list(ref))
        for name in ref:
            if name == "step":
                assert isinstance(got[name], oz().Tensor) and got[name].dim() == 0
                assert float(got[name]) == float(ref[name])
            else:
                assert str(got[name].dtype) == str(ref[name].dtype)
                assert_close(ref[name], got[name], "state[%s][%r]" % (key, name), rtol=rtol)


def torch2_groups(groups, name):
    """The oracle's state-dict param groups as PyTorch 2.x writes them."""
    return [dict(g, **TORCH2_GROUP_DEFAULTS[name]) for g in groups]


CONFIGS = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.01, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, foreach=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.05, maximize=True)),
    ("Adam", dict(lr=0.05, foreach=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.05, betas=(0.5, 0.9), eps=1e-4, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.1, eps=1e-4)),
    ("RMSprop", dict(lr=0.01, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
]


def config_id(config):
    name, kwargs = config
    return name + "-" + ",".join("%s=%s" % kv for kv in sorted(kwargs.items()))


def train_both(name, kwargs, dtype="float64", steps=STEPS):
    out = {}
    for T in (torch, oz()):
        params = make_params(T, dtype)
        opt = getattr(T.optim, name)(params, **kwargs)
        train(T, params, opt, steps)
        out[T] = (params, opt)
    return out[torch], out[oz()]


# ------------------------------------------------------------------ update rules

@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_twenty_steps_match_torch(config):
    name, kwargs = config
    (ref_params, ref_opt), (params, opt) = train_both(name, kwargs)
    for i, (ref, got) in enumerate(zip(ref_params, params)):
        assert_close(ref, got, "%s param %d" % (config_id(config), i))
        assert got.is_leaf and got.requires_grad and got.grad_fn is None
    assert_same_state(ref_opt.state_dict()["state"], opt.state_dict()["state"])


@pytest.mark.parametrize("name, kwargs", [("Adam", dict(lr=0.05, amsgrad=True)),
                                          ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
                                          ("RMSprop", dict(lr=0.01, centered=True))])
def test_float32_matches_torch(name, kwargs):
    (ref_params, ref_opt), (params, opt) = train_both(name, kwargs, dtype="float32")
    for ref, got in zip(ref_params, params):
        assert str(got.dtype) == "torch.float32"
        assert_close(ref, got, name, rtol=1e-5, atol=1e-6)
    assert_same_state(ref_opt.state_dict()["state"], opt.state_dict()["state"], rtol=1e-4)


@pytest.mark.parametrize("name, kwargs", [("Adam", dict(capturable=True)),
                                          ("Adam", dict(fused=True)),
                                          ("AdamW", dict(fused=True, amsgrad=True)),
                                          ("SGD", dict(momentum=0.9, fused=True)),
                                          ("Adagrad", dict(fused=True)),
                                          ("RMSprop", dict(capturable=True, momentum=0.5))])
def test_implementation_flags_keep_the_update(name, kwargs):
    # capturable / fused choose CUDA-graph or fused kernels in torch (not usable on 1.13's
    # CPU): the update they compute is the plain one, which is the oracle here.
    flags = {k: v for k, v in kwargs.items() if k in ("capturable", "fused")}
    options = {k: v for k, v in kwargs.items() if k not in flags}
    ref_params = make_params(torch)
    train(torch, ref_params, getattr(torch.optim, name)(ref_params, lr=0.05, **options))
    params = make_params(oz())
    opt = getattr(oz().optim, name)(params, lr=0.05, **kwargs)
    train(oz(), params, opt)
    for ref, got in zip(ref_params, params):
        assert_close(ref, got, name)
    assert all(opt.param_groups[0][k] == v for k, v in flags.items())


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_param_groups_with_their_own_options(name):
    def run(T):
        w, b, unused = make_params(T)
        opt = getattr(T.optim, name)([{"params": [w], "lr": 0.01, "weight_decay": 0.2},
                                      {"params": [b, unused]}], lr=0.05)
        train(T, [w, b], opt)
        return [w, b, unused], opt
    ref_params, ref_opt = run(torch)
    params, opt = run(oz())
    for ref, got in zip(ref_params, params):
        assert_close(ref, got, name)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.05]
    assert [g["weight_decay"] for g in opt.param_groups] == [
        0.2, ref_opt.param_groups[1]["weight_decay"]]


def test_step_with_closure_returns_its_loss():
    def run(T):
        params = make_params(T)
        opt = T.optim.SGD(params, lr=0.05, momentum=0.9)

        def closure():
            opt.zero_grad()
            loss = loss_of(T, params)
            loss.backward()
            return loss
        losses = [opt.step(closure).item() for _ in range(10)]
        return losses, params
    ref_losses, ref_params = run(torch)
    losses, params = run(oz())
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-10)
    assert_close(ref_params[0], params[0], "w")
    assert check(lambda T: lib(T).optim.Adam(make_params(T)).step()) is None


def test_step_runs_without_autograd_and_restores_grad_mode():
    T = oz()
    params = make_params(T)
    opt = T.optim.Adam(params, lr=0.1)
    loss_of(T, params).backward()
    recorded = []
    opt.register_step_pre_hook(lambda o, a, k: recorded.append(T.is_grad_enabled()))
    opt.step()
    assert T.is_grad_enabled()
    assert params[0].grad_fn is None and params[0].is_leaf
    assert opt.state[params[0]]["exp_avg"].requires_grad is False


def test_parameters_without_gradient_are_skipped():
    (_, ref_opt), (params, opt) = train_both("Adam", dict(lr=0.05))
    assert sorted(opt.state_dict()["state"]) == sorted(ref_opt.state_dict()["state"]) == [0, 1]
    assert params[2].tolist() == UNUSED0.tolist()


def test_user_defined_optimizer_subclass_runs_unchanged():
    # The pattern from PyTorch's docs: a subclass with its own defaults, state and step().
    def run(T):
        class SignSGD(T.optim.Optimizer):
            def __init__(self, params, lr=0.01, decay=0.5):
                super().__init__(params, dict(lr=lr, decay=decay))

            @T.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is None:
                            continue
                        state = self.state[p]
                        state["avg"] = state.get("avg", T.zeros_like(p)) * group["decay"] + p.grad
                        p.add_(state["avg"].sign(), alpha=-group["lr"])
        params = make_params(T)
        opt = SignSGD(params, lr=0.02)
        train(T, params, opt, 10)
        return params, opt
    ref_params, ref_opt = run(torch)
    params, opt = run(oz())
    for ref, got in zip(ref_params, params):
        assert_close(ref, got, "SignSGD")
    assert repr(opt) == repr(ref_opt)
    assert_same_state(ref_opt.state_dict()["state"], opt.state_dict()["state"])


# ------------------------------------------------------------------ zero_grad

def test_zero_grad_sets_none_by_default():
    # PyTorch 2.x: set_to_none=True is the default (1.13 zeroed the tensors).
    T = oz()
    params = make_params(T)
    opt = T.optim.SGD(params, lr=0.1)
    loss_of(T, params).backward()
    opt.zero_grad()
    assert all(p.grad is None for p in params)


@pytest.mark.parametrize("set_to_none", [False, True])
def test_zero_grad_explicit(set_to_none):
    def run(T):
        params = make_params(T)
        opt = T.optim.SGD(params, lr=0.1)
        loss_of(T, params).backward()
        opt.zero_grad(set_to_none=set_to_none)
        return [p.grad for p in params]
    got = check(run)
    if not set_to_none:
        assert got[0] is not None and got[0].requires_grad is False


# ------------------------------------------------------------------ state dicts

STATE_DICT_CONFIGS = [("SGD", dict(lr=0.05, momentum=0.9)), ("Adam", dict(amsgrad=True)),
                      ("AdamW", dict()), ("RMSprop", dict(momentum=0.5, centered=True)),
                      ("Adagrad", dict(lr_decay=0.01))]


@pytest.mark.parametrize("config", STATE_DICT_CONFIGS, ids=config_id)
def test_state_dict_layout_matches_torch(config):
    name, kwargs = config

    def build(T):
        w, b, unused = make_params(T)
        opt = getattr(T.optim, name)([{"params": [w, unused], "lr": 0.02}, {"params": [b]}],
                                     **kwargs)
        train(T, [w, b], opt, 3)
        return opt
    ref, got = build(torch).state_dict(), build(oz()).state_dict()
    assert list(got) == ["state", "param_groups"]
    assert got["param_groups"] == torch2_groups(ref["param_groups"], name)
    assert [g["params"] for g in got["param_groups"]] == [[0, 1], [2]]
    assert_same_state(ref["state"], got["state"])


def test_adagrad_state_exists_before_the_first_step():
    def sd(T):
        return lib(T).optim.Adagrad(make_params(T), initial_accumulator_value=0.25).state_dict()
    ref, got = sd(torch), sd(oz())
    assert_same_state(ref["state"], got["state"])
    assert sorted(got["state"]) == [0, 1, 2]


def test_sgd_without_momentum_keeps_no_state():
    # PyTorch 2.x stores 'momentum_buffer' only when momentum != 0 (1.13 stored None).
    T = oz()
    params = make_params(T)
    opt = T.optim.SGD(params, lr=0.1)
    train(T, params, opt, 2)
    assert opt.state_dict()["state"] == {}


def test_state_dict_numbers_a_repeated_parameter_like_torch():
    # A parameter listed twice in one group (torch only warns) takes its last position.
    def sd(T):
        w, b, _ = make_params(T)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            opt = lib(T).optim.SGD([w, b, w], lr=0.1)
        return [g["params"] for g in opt.state_dict()["param_groups"]]
    assert sd(oz()) == sd(torch) == [[2, 1, 2]]


def to_lib(T, value):
    """A state dict converted to library T (tensors copied through lists, same dtype)."""
    if isinstance(value, (torch.Tensor, oz().Tensor)):
        dtype = getattr(T, str(value.dtype).replace("torch.", ""))
        return T.tensor(value.tolist(), dtype=dtype)
    if isinstance(value, dict):
        return {k: to_lib(T, v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_lib(T, v) for v in value]
    return value


def copy_params(T, params):
    return [T.tensor(p.tolist(), dtype=getattr(T, str(p.dtype).replace("torch.", "")),
                     requires_grad=True) for p in params]


@pytest.mark.parametrize("config", STATE_DICT_CONFIGS, ids=config_id)
def test_resuming_from_a_state_dict_continues_the_run(config):
    name, kwargs = config
    ref_params = make_params(torch)
    train(torch, ref_params, getattr(torch.optim, name)(ref_params, **kwargs), 2 * 10)

    T = oz()
    params = make_params(T)
    first = getattr(T.optim, name)(params, **kwargs)
    train(T, params, first, 10)
    saved = copy.deepcopy(first.state_dict())
    resumed_params = copy_params(T, params)
    second = getattr(T.optim, name)(resumed_params, lr=123.0)
    second.load_state_dict(saved)
    assert second.param_groups[0]["lr"] == first.param_groups[0]["lr"]
    assert second.param_groups[0]["params"][0] is resumed_params[0]
    train(T, resumed_params, second, 10)
    for ref, got in zip(ref_params, resumed_params):
        assert_close(ref, got, name)


@pytest.mark.parametrize("config", STATE_DICT_CONFIGS, ids=config_id)
def test_state_dicts_load_across_libraries(config):
    # torch -> oztorch: includes 1.13's int 'step' (RMSprop) and 1-element steps (AdamW),
    # which a 2.x optimizer turns into 0-d tensors when it loads them.
    name, kwargs = config
    T = oz()
    ref_params = make_params(torch)
    ref_opt = getattr(torch.optim, name)(ref_params, **kwargs)
    train(torch, ref_params, ref_opt, 10)

    params = copy_params(T, ref_params)
    opt = getattr(T.optim, name)(params, **kwargs)
    opt.load_state_dict(to_lib(T, ref_opt.state_dict()))
    assert all(isinstance(s["step"], T.Tensor) and s["step"].dim() == 0
               for s in opt.state.values() if "step" in s)

    # ... and back: torch loads what OzTorch saves.
    back_params = copy_params(torch, params)
    back_opt = getattr(torch.optim, name)(back_params, **kwargs)
    back_opt.load_state_dict(to_lib(torch, opt.state_dict()))

    train(torch, ref_params, ref_opt, 10)
    train(T, params, opt, 10)
    train(torch, back_params, back_opt, 10)
    for ref, got, back in zip(ref_params, params, back_params):
        assert_close(ref, got, name)
        assert_close(ref, back, name)


def test_load_state_dict_casts_state_to_the_parameter_dtype():
    def run(T):
        T = lib(T)
        params = make_params(T)
        opt = T.optim.Adam(params, lr=0.1)
        train(T, params, opt, 2)
        params32 = [p.detach().float().requires_grad_() for p in params]
        opt32 = T.optim.Adam(params32, lr=0.1)
        opt32.load_state_dict(opt.state_dict())
        state = opt32.state[params32[0]]
        return state["exp_avg"], state["exp_avg_sq"], state["step"].dtype
    check(run)


def test_load_state_dict_restores_options_but_keeps_the_parameters():
    def run(T):
        T = lib(T)
        w, b, _ = make_params(T)
        source = T.optim.SGD([{"params": [w]}, {"params": [b], "momentum": 0.5}], lr=0.3)
        target = T.optim.SGD([{"params": [w.detach().clone().requires_grad_()]},
                              {"params": [b.detach().clone().requires_grad_()]}], lr=0.01)
        target.load_state_dict(source.state_dict())
        return [(g["lr"], g["momentum"], g["params"][0] is not w) for g in target.param_groups]
    assert check(run) == [(0.3, 0, True), (0.3, 0.5, True)]


@pytest.mark.parametrize("groups", [
    [[0, 1]],            # one group where two were saved
    [[0], [1, 2]],       # the same number of groups, different sizes
])
def test_load_state_dict_rejects_a_mismatched_layout(groups):
    def run(T):
        T = lib(T)
        params = make_params(T)
        source = T.optim.Adam([{"params": [params[0]]}, {"params": [params[1]]}])
        target = T.optim.Adam([{"params": [params[i] for i in g]} for g in groups])
        target.load_state_dict(source.state_dict())
    check(run, raises=ValueError)


# ------------------------------------------------------------------ printing

@pytest.mark.parametrize("config", STATE_DICT_CONFIGS, ids=config_id)
def test_repr_matches_torch(config):
    name, kwargs = config

    def build(T):
        w, b, _ = make_params(T)
        return getattr(lib(T).optim, name)([{"params": [w], "lr": 0.5}, {"params": [b]}],
                                           **kwargs)
    ref = build(torch)
    for group in ref.param_groups:
        group.update(TORCH2_GROUP_DEFAULTS[name])
    assert repr(build(oz())) == repr(ref)


def test_defaults_follow_pytorch_2():
    T = oz()
    p = make_params(T)[:1]
    assert T.optim.SGD(p).defaults["lr"] == 1e-3  # lr is no longer required in 2.x
    assert T.optim.AdamW(p).defaults["weight_decay"] == 1e-2
    for name, extra in TORCH2_GROUP_DEFAULTS.items():
        defaults = getattr(T.optim, name)(make_params(T)[:1]).defaults
        ref = getattr(torch.optim, name)(make_params(torch)[:1], lr=0.1).defaults
        assert sorted(defaults) == sorted(set(ref) | set(extra)), name


# ------------------------------------------------------------------ bad arguments

BAD_ARGUMENTS = [
    ("SGD", dict(lr=-1)),
    ("SGD", dict(lr=0.1, momentum=-0.5)),
    ("SGD", dict(lr=0.1, weight_decay=-1e-3)),
    ("SGD", dict(lr=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("Adam", dict(lr=-0.5)),
    ("Adam", dict(eps=-1e-8)),
    ("Adam", dict(betas=(1.0, 0.999))),
    ("Adam", dict(betas=(0.9, -0.1))),
    ("Adam", dict(weight_decay=-1)),
    ("AdamW", dict(lr=-1e-3)),
    ("AdamW", dict(betas=(0.9, 1.5))),
    ("RMSprop", dict(lr=-1)),
    ("RMSprop", dict(alpha=-0.1)),
    ("RMSprop", dict(eps=-1)),
    ("RMSprop", dict(momentum=-1)),
    ("RMSprop", dict(weight_decay=-1)),
    ("Adagrad", dict(lr=-1)),
    ("Adagrad", dict(lr_decay=-1)),
    ("Adagrad", dict(weight_decay=-1)),
    ("Adagrad", dict(initial_accumulator_value=-1)),
    ("Adagrad", dict(eps=-1)),
]


@pytest.mark.parametrize("config", BAD_ARGUMENTS, ids=config_id)
def test_bad_hyperparameters_raise_like_torch(config):
    name, kwargs = config

    def build(T):
        return getattr(lib(T).optim, name)(make_params(T), **kwargs)
    check(build, raises=ValueError)
    with pytest.raises(ValueError) as ref:
        build(torch)
    with pytest.raises(ValueError) as got:
        build(oz())
    assert str(got.value) == str(ref.value)


def test_fused_flags_that_cannot_combine():
    T = oz()
    with pytest.raises(RuntimeError, match="`fused` and `foreach` cannot be `True` together"):
        T.optim.Adam(make_params(T), fused=True, foreach=True)
    with pytest.raises(RuntimeError, match="`fused` does not support `differentiable`"):
        T.optim.SGD(make_params(T), fused=True, differentiable=True)


def non_leaf(T):
    return [make_params(T)[0] * 2]


def group_repeats_a_param(T):
    w, b, _ = make_params(T)
    opt = lib(T).optim.SGD([w], lr=0.1)
    opt.add_param_group({"params": [b, w]})


def group_from_a_set(T):
    w, b, _ = make_params(T)
    opt = lib(T).optim.SGD([w], lr=0.1)
    opt.add_param_group({"params": {b}})


@pytest.mark.parametrize("build, exc, message", [
    (lambda T: lib(T).optim.SGD(non_leaf(T), lr=0.1), ValueError,
     "can't optimize a non-leaf Tensor"),
    (group_repeats_a_param, ValueError, "some parameters appear in more than one parameter group"),
    (lambda T: lib(T).optim.Adam([]), ValueError, "optimizer got an empty parameter list"),
    (lambda T: lib(T).optim.Adam(make_params(T)[0]), TypeError,
     "params argument given to the optimizer should be an iterable of Tensors or dicts"),
    (lambda T: lib(T).optim.Adam([make_params(T)[0], 3.0]), TypeError,
     "optimizer can only optimize Tensors, but one of the params is float"),
    (group_from_a_set, TypeError, "optimizer parameters need to be organized in ordered"),
    (lambda T: lib(T).optim.SGD([{"lr": 0.1}]), KeyError, "params"),
], ids=["non-leaf", "duplicate-across-groups", "empty", "tensor", "non-tensor", "set",
        "group-without-params"])
def test_bad_parameter_lists_raise_like_torch(build, exc, message):
    check(build, raises=exc)
    with pytest.raises(exc, match=message):
        build(oz())


def test_add_param_group_rejects_a_non_dict():
    # 2.x raises TypeError (1.13 used an assert).
    T = oz()
    opt = T.optim.SGD(make_params(T)[:1], lr=0.1)
    with pytest.raises(TypeError, match="param_group must be a dict"):
        opt.add_param_group([make_params(T)[1]])


def test_duplicate_parameters_in_one_group_warn_like_torch():
    for T in (torch, oz()):
        w = make_params(T)[0]
        with pytest.warns(UserWarning, match="duplicate parameters"):
            T.optim.SGD([w, w], lr=0.1)


def test_add_param_group_fills_defaults_and_trains():
    def run(T):
        T = lib(T)
        w, b, _ = make_params(T)
        opt = T.optim.RMSprop([w], lr=0.01, momentum=0.5)
        opt.add_param_group({"params": b, "lr": 0.02})
        train(T, [w, b], opt, 5)
        group = dict(opt.param_groups[1])
        return w, b, sorted(k for k in group if k != "params"), group["lr"], group["momentum"]
    ref = run(torch)
    got = run(oz())
    assert_close(ref[0], got[0], "w")
    assert_close(ref[1], got[1], "b")
    assert got[3:] == ref[3:]
    assert got[2] == sorted(set(ref[2]) | set(TORCH2_GROUP_DEFAULTS["RMSprop"]))


# ------------------------------------------------------------------ hooks (2.x API)

def test_step_hooks_run_in_order_and_can_be_removed():
    T = oz()
    params = make_params(T)
    opt = T.optim.SGD(params, lr=0.1)
    calls = []
    pre = opt.register_step_pre_hook(lambda o, args, kwargs: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, args, kwargs: calls.append(("post", args, kwargs)))
    glob = T.optim.optimizer.register_optimizer_step_pre_hook(
        lambda o, args, kwargs: calls.append(("global", type(o).__name__)))
    try:
        opt.step()
        assert calls == [("global", "SGD"), ("pre", True), ("post", (), {})]
        pre.remove()
        glob.remove()
        calls.clear()
        opt.step(closure=None)
        assert calls == [("post", (), {"closure": None})]
    finally:
        glob.remove()


def test_step_pre_hook_can_replace_the_arguments():
    T = oz()
    params = make_params(T)
    opt = T.optim.SGD(params, lr=0.1)
    seen = []

    def closure():
        seen.append("closure")
        return T.tensor(1.0)
    opt.register_step_pre_hook(lambda o, args, kwargs: ((closure,), {}))
    assert opt.step().item() == 1.0 and seen == ["closure"]


def test_state_dict_hooks():
    T = oz()
    params = make_params(T)
    opt = T.optim.Adam(params)
    train(T, params, opt, 1)
    order = []
    opt.register_state_dict_pre_hook(lambda o: order.append("pre"))
    opt.register_state_dict_post_hook(lambda o, sd: dict(sd, note="added"))
    sd = opt.state_dict()
    assert order == ["pre"] and sd["note"] == "added"

    def drop_state(o, sd):
        return {"state": {}, "param_groups": sd["param_groups"]}
    opt.register_load_state_dict_pre_hook(drop_state)
    opt.register_load_state_dict_post_hook(lambda o: order.append("loaded"))
    opt.load_state_dict(sd)
    assert order == ["pre", "loaded"] and len(opt.state) == 0


def test_optimizer_deepcopies_with_its_state():
    T = oz()
    params = make_params(T)
    opt = T.optim.Adam(params, lr=0.1)
    train(T, params, opt, 2)
    clone = copy.deepcopy(opt)
    assert repr(clone) == repr(opt)
    key = clone.param_groups[0]["params"][0]
    assert key is not params[0]
    assert clone.state[key]["exp_avg"].tolist() == opt.state[params[0]]["exp_avg"].tolist()


# ------------------------------------------------------------------ differentiable=True

@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.1)),
                                          ("RMSprop", dict(lr=0.1, centered=True))])
def test_differentiable_step_backpropagates_like_torch(name, kwargs):
    # The step itself is recorded: gradients flow from the updated weights back to what the
    # gradient and the starting weights were computed from.
    def run(T):
        T = lib(T)
        w0 = T.tensor([1.0, -2.0, 0.5], dtype=T.float64, requires_grad=True)
        h = T.tensor([0.3, 0.7, -1.1], dtype=T.float64, requires_grad=True)
        w = w0.clone()  # a non-leaf: allowed only because differentiable=True
        w.grad = h ** 2
        getattr(T.optim, name)([w], differentiable=True, **kwargs).step()
        (w * w).sum().backward()
        return w, w0.grad, h.grad
    check(run)


# ------------------------------------------------------------------ tensor learning rates (2.x)

def test_a_tensor_lr_acts_like_its_value_and_schedulers_update_it_in_place():
    ref_params = make_params(torch)
    ref_opt = torch.optim.Adam(ref_params, lr=0.05)
    ref_sched = torch.optim.lr_scheduler.StepLR(ref_opt, 3, gamma=0.5)
    T = oz()
    params = make_params(T)
    lr = T.tensor(0.05, dtype=T.float64)
    opt = T.optim.Adam(params, lr=lr)
    sched = T.optim.lr_scheduler.StepLR(opt, 3, gamma=0.5)
    for _ in range(10):
        for lib_, ps, o, s in ((torch, ref_params, ref_opt, ref_sched), (T, params, opt, sched)):
            o.zero_grad()
            loss_of(lib_, ps).backward()
            o.step()
            s.step()
    for ref, got in zip(ref_params, params):
        assert_close(ref, got, "Adam with a tensor lr")
    assert opt.param_groups[0]["lr"] is lr and lr.item() == ref_opt.param_groups[0]["lr"]
    last = sched.get_last_lr()[0]
    assert last is not lr and last.item() == lr.item()
    with pytest.raises(ValueError, match="Tensor lr must be 1-element"):
        T.optim.SGD(params, lr=T.tensor([0.1, 0.2]))
