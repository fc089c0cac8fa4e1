"""nn.Module and nn.Parameter against real torch: registration, traversal, state_dict,
load_state_dict, conversion, hooks, repr and the errors. Where PyTorch 2.x differs from the
1.13 oracle (zero_grad's default, hook options, nn.Buffer, assign=), the 2.x behaviour is
asserted directly."""
import copy
import pickle
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch

from conftest import assert_same, builtin_class, check, oz
from nn_module_models import copy_weights, fill, models, np_state, to_oz


def both(fn):
    """fn(torch), fn(oztorch)."""
    return fn(torch), fn(oz())


def same_error(fn, message=True):
    """Asserts fn raises the same builtin exception class (and, with message=True, the same
    text) on torch and oztorch; returns oztorch's exception."""
    errors = []
    for T in (torch, oz()):
        with pytest.raises(Exception) as info:
            fn(T)
        errors.append(info.value)
    ref, got = errors
    assert builtin_class(got) is builtin_class(ref), (ref, got)
    if message:
        assert str(got) == str(ref)
    return got


def net(T):
    return fill(T, models(T).Net())


# ------------------------------------------------------------------ Parameter

def test_parameter_basics():
    check(lambda T: T.nn.Parameter(T.ones(2, 3)))
    check(lambda T: T.nn.Parameter(T.ones(2)).requires_grad)
    check(lambda T: T.nn.Parameter(T.ones(2), requires_grad=False).requires_grad)
    check(lambda T: T.nn.Parameter().shape)
    check(lambda T: T.nn.Parameter(T.ones(2)).is_leaf)
    check(lambda T: isinstance(T.nn.Parameter(T.ones(1)), T.Tensor))
    check(lambda T: repr(T.nn.Parameter(T.tensor([1.0, 2.0]))))
    check(lambda T: repr(T.nn.Parameter(T.tensor([1, 2]), requires_grad=False)))
    check(lambda T: T.nn.Parameter(T.tensor([1, 2])), raises=RuntimeError)  # ints can't need grad
    check(lambda T: T.nn.Parameter(T.nn.Parameter(T.ones(2)), requires_grad=False).requires_grad)
    # ops on a Parameter give plain tensors
    for op in (lambda p: p * 2, lambda p: p.detach(), lambda p: p.clone(), lambda p: p.data):
        check(lambda T: type(op(T.nn.Parameter(T.ones(2)))).__name__)


def test_parameter_shares_memory_and_is_a_leaf():
    T = oz()
    data = T.zeros(3)
    p = T.nn.Parameter(data)
    with T.no_grad():
        p.add_(1)
    assert data.tolist() == [1.0, 1.0, 1.0]
    x = T.ones(2, requires_grad=True) * 2  # a non-leaf: the Parameter is made from its data
    q = T.nn.Parameter(x)
    assert q.is_leaf and q.grad_fn is None and q.requires_grad


def test_parameter_deepcopy():
    T = oz()
    p = T.nn.Parameter(T.tensor([1.0, 2.0]), requires_grad=False)
    c = copy.deepcopy(p)
    assert type(c) is T.nn.Parameter and c.requires_grad is False and c is not p
    assert c.tolist() == [1.0, 2.0]
    with T.no_grad():
        c.add_(1)
    assert p.tolist() == [1.0, 2.0]
    memo = {}
    assert copy.deepcopy([p, p], memo)[1] is memo[id(p)]


def test_parameter_pickle():
    T = oz()
    r = pickle.loads(pickle.dumps(T.nn.Parameter(T.tensor([3.0]))))
    assert type(r) is T.nn.Parameter and r.requires_grad and r.tolist() == [3.0]


def test_parameter_bad_data():
    check(lambda T: T.nn.Parameter([1.0, 2.0]), raises=AttributeError)


# ------------------------------------------------------------------ registration

def test_named_parameters_buffers_and_state_dict_keys_match_torch():
    tm, om = both(net)
    for method in ("named_parameters", "named_buffers"):
        ref = [(k, tuple(v.shape)) for k, v in getattr(tm, method)()]
        got = [(k, tuple(v.shape)) for k, v in getattr(om, method)()]
        assert got == ref, method
    assert list(om.state_dict()) == list(tm.state_dict())
    assert [k for k, _ in om.named_parameters(prefix="m", recurse=False)] == \
        [k for k, _ in tm.named_parameters(prefix="m", recurse=False)]
    assert [k for k, _ in om.named_buffers(recurse=False)] == []
    assert len(list(om.parameters())) == len(list(tm.parameters()))
    assert len(list(om.buffers())) == len(list(tm.buffers()))
    assert all(type(p) is oz().nn.Parameter for p in om.parameters())


def test_state_dict_values_detach_prefix_and_keep_vars():
    tm, om = both(net)
    ref, got = tm.state_dict(), om.state_dict()
    assert type(got) is OrderedDict
    for k in ref:
        assert_same(ref[k], got[k], k)
        assert got[k].requires_grad is False
    assert "stats.scratch" not in got and "stats.absent" not in got
    # detached tensors share memory with the parameters
    with oz().no_grad():
        got["fc1.bias"].fill_(7)
    assert om.fc1.bias.tolist() == [7.0] * 4
    kept = om.state_dict(keep_vars=True)
    assert kept["fc1.weight"] is om.fc1.weight
    assert list(om.state_dict(prefix="model.")) == list(tm.state_dict(prefix="model."))
    dest = OrderedDict(first=1)
    assert om.state_dict(destination=dest) is dest and list(dest)[0] == "first"
    assert om.state_dict()._metadata[""] == {"version": 1}
    assert list(om.state_dict()._metadata) == list(tm.state_dict()._metadata)


def test_non_tensor_attributes_and_reassignment():
    T = oz()
    m = models(T).Stats(2)
    m.plain = T.ones(2)  # a plain tensor on a new name is an ordinary attribute
    assert "plain" not in dict(m.named_buffers()) and m.plain.tolist() == [1.0, 1.0]
    m.running_mean = T.full((2,), 3.0)  # a tensor on a buffer name replaces the buffer
    assert m.state_dict()["running_mean"].tolist() == [3.0, 3.0]
    m.scratch = T.zeros(2)  # ...and stays non-persistent
    assert "scratch" not in m.state_dict()
    m.scale = None
    assert m._parameters["scale"] is None and m.scale is None
    m.scale = T.nn.Parameter(T.ones(2))
    m.running_mean = T.nn.Parameter(T.ones(2))  # a Parameter takes over a buffer's name
    assert "running_mean" in dict(m.named_parameters())
    assert "running_mean" not in dict(m.named_buffers())
    m.sub = models(T).Tanh()
    m.sub = None
    assert m._modules["sub"] is None and m.sub is None


def test_assignment_errors_match_torch():
    def param_slot(T):
        m = models(T).Affine(2, 2)
        m.weight = T.ones(2, 2)
    e = same_error(param_slot)
    assert "cannot assign 'torch.FloatTensor' as parameter 'weight'" in str(e)

    def module_slot(T):
        m = models(T).Net()
        m.fc1 = 3
    same_error(module_slot)

    def buffer_slot(T):
        m = models(T).Stats(2)
        m.running_mean = [1.0]
    same_error(buffer_slot, message=False)  # 2.x also names torch.nn.Buffer in the text

    class Early:
        pass

    def before_init(kind):
        def fn(T):
            class M(T.nn.Module):
                def __init__(self):
                    if kind == "param":
                        self.w = T.nn.Parameter(T.ones(1))
                    elif kind == "module":
                        self.m = T.nn.Module()
                    else:
                        self.register_buffer("b", T.ones(1))
            M()
        return fn
    for kind in ("param", "module", "buffer"):
        same_error(before_init(kind))

    def non_leaf(T):
        m = T.nn.Module()
        m.register_parameter("w", T.nn.Parameter(T.ones(2)) * 2)
    same_error(lambda T: non_leaf(T))


@pytest.mark.parametrize("method", ["register_buffer", "register_parameter", "add_module"])
@pytest.mark.parametrize("name", ["a.b", "", "training", "forward", 3])
def test_register_name_errors_match_torch(method, name):
    def fn(T):
        m = T.nn.Module()
        value = {"register_buffer": T.ones(1), "register_parameter": T.nn.Parameter(T.ones(1)),
                 "add_module": T.nn.Module()}[method]
        getattr(m, method)(name, value)
    same_error(fn)


@pytest.mark.parametrize("method,value", [("register_buffer", [1.0]),
                                          ("register_parameter", "torch_ones"),
                                          ("add_module", 5)])
def test_register_value_errors_match_torch(method, value):
    def fn(T):
        v = T.ones(1) if value == "torch_ones" else value
        getattr(T.nn.Module(), method)("x", v)
    same_error(fn)


def test_register_existing_entry_and_none():
    T = oz()
    m = T.nn.Module()
    m.register_buffer("b", T.ones(1))
    m.register_buffer("b", T.zeros(1))  # re-registering the same name is allowed
    assert m.b.tolist() == [0.0]
    m.register_parameter("p", None)
    m.add_module("c", None)
    assert list(m.named_parameters()) == [] and list(m.children()) == []
    assert list(m.state_dict()) == ["b"]


def test_getattr_and_delattr():
    same_error(lambda T: models(T).Net().nope)
    T = oz()
    m = models(T).Net()
    del m.fc1, m.extra
    m2 = models(T).Stats(2)
    del m2.scratch
    assert "scratch" not in m2._non_persistent_buffers_set
    m2.register_buffer("scratch", T.ones(2))  # persistent again after deletion
    assert "scratch" in m2.state_dict()
    assert "fc1" not in dict(m.named_children()) and "extra" not in dict(m.named_parameters())
    with pytest.raises(AttributeError):
        del m.nothing
    m.note = 1
    del m.note
    assert not hasattr(m, "note")


def test_dir_lists_parameters_buffers_and_children():
    tm, om = both(net)
    ref = set(dir(tm)) & {"fc1", "stats", "body", "extra", "tail", "empty", "training"}
    assert ref <= set(dir(om))
    assert {"running_mean", "scratch", "scale"} <= set(dir(om.stats))
    assert not [k for k in dir(om.body) if k.isdigit()]


def test_init_rejects_arguments_and_forward_is_required():
    same_error(lambda T: T.nn.Module(3), message=False)
    same_error(lambda T: T.nn.Module(x=3), message=False)
    same_error(lambda T: T.nn.Module()(T.ones(1)))


# ------------------------------------------------------------------ traversal

def test_children_and_modules_match_torch():
    def names(T):
        m = net(T)
        return ([n for n, _ in m.named_children()], [n for n, _ in m.named_modules()],
                [n for n, _ in m.named_modules(prefix="top")],
                [type(c).__name__ for c in m.children()],
                [type(c).__name__ for c in m.modules()])
    ref, got = both(names)
    assert got == ref


def test_shared_modules_and_parameters_come_once_unless_asked():
    def shared(T):
        m = models(T).Shared()
        return ([n for n, _ in m.named_modules()],
                [n for n, _ in m.named_modules(remove_duplicate=False)],
                [n for n, _ in m.named_parameters()], list(m.state_dict()),
                len(list(m.parameters())), [n for n, _ in m.named_children()])
    ref, got = both(shared)
    assert got == ref
    T = oz()
    m = models(T).Shared()
    # 2.x: named_parameters(remove_duplicate=False) lists every (module, name) pair.
    assert [n for n, _ in m.named_parameters(remove_duplicate=False)] == [
        "a.weight", "a.bias", "b.weight", "b.bias", "c.weight", "c.bias"]


def test_get_submodule_parameter_buffer():
    T = oz()
    m = net(T)
    assert m.get_submodule("") is m
    assert m.get_submodule("body.2") is m.body[2]
    assert m.get_parameter("body.0.weight") is m.body[0].weight
    assert m.get_buffer("stats.running_mean") is m.stats.running_mean
    for call in (lambda T: net(T).get_submodule("body.7"),
                 lambda T: net(T).get_submodule("fc1.weight"),
                 lambda T: net(T).get_parameter("fc1.nothing"),
                 lambda T: net(T).get_parameter("stats.running_mean"),
                 lambda T: net(T).get_buffer("stats.scale"),
                 lambda T: net(T).get_buffer("stats.nothing")):
        same_error(call)


def test_set_submodule():
    T = oz()
    m = net(T)
    new = models(T).Tanh()
    m.set_submodule("body.1", new)
    assert m.body[1] is new
    with pytest.raises(AttributeError):
        m.set_submodule("fc1.weight", new)
    with pytest.raises(AttributeError):
        m.set_submodule("body.9", new, strict=True)


# ------------------------------------------------------------------ load_state_dict

def test_load_state_dict_roundtrip_in_place():
    T = oz()
    tm = net(torch)
    om = fill(T, models(T).Net(), seed=100)
    weight_before = om.fc1.weight
    scratch_before = om.stats.scratch.tolist()
    result = om.load_state_dict(OrderedDict((k, to_oz(T, v))
                                            for k, v in tm.state_dict().items()))
    assert repr(result) == "<All keys matched successfully>" == str(result)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert om.fc1.weight is weight_before and om.fc1.weight.requires_grad
    assert om.fc1.weight.grad_fn is None
    ref, got = np_state(tm.state_dict()), np_state(om.state_dict())
    for k in ref:
        np.testing.assert_array_equal(got[k], ref[k], err_msg=k)
    assert om.stats.scratch.tolist() == scratch_before  # non-persistent: untouched
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    assert_same(tm(torch.tensor(x, dtype=torch.float32)), om(T.tensor(x.tolist())),
                "forward after load", rtol=1e-5, atol=1e-6)


def test_load_state_dict_missing_unexpected_match_torch():
    def load(T, strict):
        m = net(T)
        sd = m.state_dict()
        del sd["fc1.bias"], sd["stats.num_batches"]
        sd["body.0.extra"] = T.ones(1)
        sd["ghost.weight"] = T.ones(1)
        return m.load_state_dict(sd, strict=strict)
    ref, got = both(lambda T: load(T, False))
    assert got.missing_keys == ref.missing_keys and got.unexpected_keys == ref.unexpected_keys
    assert repr(got) == repr(ref)
    assert isinstance(got, tuple) and got == (ref.missing_keys, ref.unexpected_keys)
    same_error(lambda T: load(T, True))


def test_load_state_dict_shape_and_type_errors_match_torch():
    def wrong_shape(T):
        m = net(T)
        sd = m.state_dict()
        sd["fc1.weight"] = T.ones(2, 2)
        sd["body.2.weight"] = T.ones(5)
        m.load_state_dict(sd)
    e = same_error(wrong_shape)
    assert "size mismatch for fc1.weight: copying a param with shape torch.Size([2, 2])" in str(e)

    def not_tensor(T):
        m = net(T)
        sd = m.state_dict()
        sd["fc1.bias"] = [1.0, 2.0]
        m.load_state_dict(sd)
    same_error(not_tensor, message=False)  # the message names the Python type's module
    same_error(lambda T: net(T).load_state_dict([("fc1.weight", T.ones(4, 3))]))

    def partial_after_error(T):
        m = net(T)
        sd = m.state_dict()
        sd["fc1.weight"] = T.ones(9)
        sd["fc1.bias"] = T.full((4,), 5.0)
        try:
            m.load_state_dict(sd)
        except RuntimeError:
            pass
        return m.fc1.bias.detach()
    check(partial_after_error)


def test_load_state_dict_converts_dtype_and_accepts_0d_from_1d():
    def load(T):
        m = models(T).Stats(2)
        sd = {"scale": T.tensor([1.5, 2.5], dtype=T.float64),
              "running_mean": T.tensor([1, 2]), "num_batches": T.tensor([4])}
        m.load_state_dict(sd)
        return m.scale.detach(), m.running_mean, m.num_batches
    check(load)


def test_load_state_dict_assign_and_post_hook():
    T = oz()
    m = models(T).Affine(2, 2)
    w = T.full((2, 2), 2.0)
    m.load_state_dict({"weight": w, "bias": T.zeros(2)}, assign=True)
    assert type(m.weight) is T.nn.Parameter and m.weight.requires_grad
    with T.no_grad():
        w.add_(1)
    assert m.weight.tolist() == [[3.0, 3.0], [3.0, 3.0]]  # assign=True keeps the given memory
    seen = []

    def post(module, keys):
        seen.append(type(module).__name__)
        keys.missing_keys.clear()  # hooks may forgive keys in place
    m.register_load_state_dict_post_hook(post)
    assert repr(m.load_state_dict({"weight": T.ones(2, 2)})) == "<All keys matched successfully>"
    assert seen == ["Affine"]


def test_state_dict_hooks_and_extra_state():
    def with_extra(T):
        class Counter(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.count = 0
                self.w = T.nn.Parameter(T.ones(1))

            def get_extra_state(self):
                return {"count": self.count}

            def set_extra_state(self, state):
                self.count = state["count"]
        m = Counter()
        m.count = 5
        sd = m.state_dict()
        keys = list(sd)
        fresh = Counter()
        fresh.load_state_dict(sd)
        return keys, fresh.count
    ref, got = both(with_extra)
    assert got == ref == (["w", "_extra_state"], 5)
    T = oz()
    m = models(T).Affine(1, 1)
    calls = []
    m.register_state_dict_pre_hook(lambda mod, prefix, keep_vars: calls.append(prefix))
    h = m._register_state_dict_hook(lambda mod, sd, prefix, meta: calls.append(list(sd)))
    m.state_dict(prefix="x.")
    assert calls == ["x.", ["x.weight", "x.bias"]]
    h.remove()
    m.state_dict()
    assert len(calls) == 3


# ------------------------------------------------------------------ modes, grads, conversion

def test_train_eval_and_requires_grad():
    def modes(T):
        m = net(T)
        flags = [m.eval() is m, [c.training for c in m.modules()]]
        m.body.train()
        flags.append([c.training for c in m.modules()])
        m.requires_grad_(False)
        flags.append([p.requires_grad for p in m.parameters()])
        return flags
    ref, got = both(modes)
    assert got == ref
    same_error(lambda T: T.nn.Module().train("yes"))


def test_zero_grad():
    T = oz()
    m = net(T)
    x = T.ones(2, 3)
    m(x).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in m.parameters())
    m.zero_grad()  # PyTorch 2.x: set_to_none=True is the default
    assert all(p.grad is None for p in m.parameters())


def test_copied_torch_weights_give_same_forward_and_grads():
    T = oz()
    tm = fill(torch, models(torch).Net(), seed=5)
    om = fill(T, models(T).Net(), seed=100)
    copy_weights(tm, om, T)
    x = np.linspace(-2, 2, 9).reshape(3, 3)
    ref = tm(torch.tensor(x, dtype=torch.float32))
    got = om(T.tensor(x.tolist()))
    assert_same(ref.detach(), got.detach(), rtol=1e-5, atol=1e-6)
    ref.sum().backward()
    got.sum().backward()
    for (name, rp), (_, gp) in zip(tm.named_parameters(), om.named_parameters()):
        assert_same(rp.grad, gp.grad, name, rtol=1e-5, atol=1e-6)


def test_gradients_flow_like_torch():
    def grads(T):
        m = net(T)
        x = T.tensor(np.linspace(-1, 1, 6).reshape(2, 3).tolist())
        m(x).pow(2).sum().backward()
        return tuple(p.grad for p in m.parameters())
    check(grads, rtol=1e-5, atol=1e-6)


def test_double_float_keep_parameter_objects():
    def convert(T):
        m = net(T)
        p = m.fc1.weight
        m.fc1.weight.grad = T.ones(4, 3)
        m.double()
        same = m.fc1.weight is p
        out = (same, str(m.fc1.weight.dtype), str(m.fc1.weight.grad.dtype),
               str(m.stats.num_batches.dtype), str(m.stats.running_mean.dtype),
               type(m.fc1.weight).__name__, m.fc1.weight.requires_grad)
        m.float()
        return out + (str(m.body[0].weight.dtype),)
    ref, got = both(convert)
    assert got == ref


def test_to_forms_match_torch():
    def to_forms(T):
        m = net(T)
        out = [m.to(T.float64) is m, str(m.fc1.bias.dtype)]
        m.to(T.zeros(1, dtype=T.float32))
        out.append(str(m.fc1.bias.dtype))
        m.to("cpu", T.float64, non_blocking=True)
        out.append(str(m.fc1.bias.dtype))
        m.to(device="cpu", dtype=T.float32)
        out += [str(m.fc1.bias.dtype), str(m.stats.num_batches.dtype)]
        m.to(T.device("cpu"))
        m.type(T.float64)
        out.append(str(m.stats.num_batches.dtype))  # type() casts every tensor
        m.cpu()
        return out
    ref, got = both(to_forms)
    assert got == ref
    same_error(lambda T: net(T).to(T.int64), message=False)
    same_error(lambda T: net(T).to("nodevice"), message=False)
    same_error(lambda T: net(T).to(T.float32, wrong=1), message=False)


def test_to_empty_and_module_without_tensors_on_cuda():
    T = oz()
    m = models(T).Affine(2, 3).to_empty(device="cpu")
    assert tuple(m.weight.shape) == (3, 2) and type(m.weight) is T.nn.Parameter
    bare = T.nn.Module()
    assert bare.cuda() is bare  # nothing to move: no device needed


def test_apply_visits_children_first():
    def order(T):
        seen = []
        net(T).apply(lambda mod: seen.append(type(mod).__name__))
        return seen
    ref, got = both(order)
    assert got == ref


# ------------------------------------------------------------------ hooks and calling

def test_forward_hooks_order_and_results_match_torch():
    def run(T):
        log = []
        m = models(T).Affine(2, 2)
        fill(T, m)

        def pre1(mod, args):
            log.append("pre1")
            return (args[0] * 2,)

        def pre2(mod, args):
            log.append("pre2")
            return args[0] + 1  # a bare value is wrapped into a tuple

        def post1(mod, args, out):
            log.append(("post1", tuple(args[0].shape)))
            return out * 10

        def post2(mod, args, out):
            log.append("post2")
        handles = [m.register_forward_pre_hook(pre1), m.register_forward_pre_hook(pre2),
                   m.register_forward_hook(post1), m.register_forward_hook(post2)]
        x = T.tensor([[1.0, -1.0]])
        first = m(x)
        handles[0].remove()
        handles[2].remove()
        handles[2].remove()  # removing twice is harmless
        second = m(x)
        return first.detach(), second.detach(), log
    ref, got = both(run)
    assert_same(ref[0], got[0])
    assert_same(ref[1], got[1])
    assert got[2] == ref[2]


def test_forward_hook_2x_options():
    T = oz()
    m = models(T).Tanh()
    log = []
    m.register_forward_pre_hook(lambda mod, args: log.append("a"))
    m.register_forward_pre_hook(lambda mod, args: log.append("first"), prepend=True)

    def kw_pre(mod, args, kwargs):
        log.append(("kw", sorted(kwargs)))
        return (args[0] * 0,), {}
    m.register_forward_pre_hook(kw_pre, with_kwargs=True)

    def kw_post(mod, args, kwargs, out):
        log.append("kwpost")
        return out + 1
    m.register_forward_hook(kw_post, with_kwargs=True)
    out = m(T.ones(2))
    assert out.tolist() == [1.0, 1.0]
    assert log == ["first", "a", ("kw", []), "kwpost"]

    bad = models(T).Tanh()
    bad.register_forward_pre_hook(lambda mod, a, k: 3, with_kwargs=True)
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        bad(T.ones(1))

    class Fails(T.nn.Module):
        def forward(self, x):
            raise ValueError("boom")
    f = Fails()
    called = []
    f.register_forward_hook(lambda mod, args, out: called.append(out), always_call=True)
    f.register_forward_hook(lambda mod, args, out: called.append("never"))
    with pytest.raises(ValueError, match="boom"):
        f(T.ones(1))
    assert called == [None]


def test_hook_handle_as_context_manager_and_global_hooks():
    T = oz()
    from oztorch.nn.modules import module as module_mod
    m = models(T).Tanh()
    log = []
    with m.register_forward_hook(lambda mod, a, o: log.append("in")):
        m(T.ones(1))
    m(T.ones(1))
    assert log == ["in"]
    h = module_mod.register_module_forward_pre_hook(lambda mod, a: log.append("global"))
    try:
        m(T.ones(1))
    finally:
        h.remove()
    m(T.ones(1))
    assert log == ["in", "global"]


def test_call_passes_kwargs():
    T = oz()

    class Scale(T.nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor
    assert Scale()(T.ones(1), factor=3.0).tolist() == [3.0]


# ------------------------------------------------------------------ printing and copying

def test_repr_matches_torch():
    check(lambda T: repr(net(T)))
    check(lambda T: repr(T.nn.Module()))
    check(lambda T: repr(models(T).Affine(1, 2)))
    check(lambda T: repr(models(T).Shared()))
    check(lambda T: repr(T.nn.Sequential(net(T), models(T).Tanh())))


def test_deepcopy_module():
    T = oz()
    m = net(T)
    m.fc1.weight.grad = T.ones(4, 3)
    h = m.register_forward_hook(lambda mod, a, o: o)
    c = copy.deepcopy(m)
    assert c.fc1.weight is not m.fc1.weight and type(c.fc1.weight) is T.nn.Parameter
    assert list(c.state_dict()) == list(m.state_dict())
    for (k, a), (_, b) in zip(m.state_dict().items(), c.state_dict().items()):
        assert a.tolist() == b.tolist(), k
    with T.no_grad():
        c.fc1.weight.fill_(0)
    assert m.fc1.weight.abs().sum().item() > 0
    assert len(c._forward_hooks) == 1
    h.remove()
    assert len(c._forward_hooks) == 1 and len(m._forward_hooks) == 0
    shared = copy.deepcopy(models(T).Shared())
    assert shared.a is shared.b and shared.c.weight is shared.a.weight
    fresh = copy.deepcopy(net(T))
    assert_same(net(torch)(torch.ones(2, 3)), fresh(T.ones(2, 3)), rtol=1e-5, atol=1e-6)


def test_pickle_module():
    T = oz()
    m = net(T)
    r = pickle.loads(pickle.dumps(m))
    assert type(r).__name__ == "Net" and list(r.state_dict()) == list(m.state_dict())
    assert r.stats.scratch.tolist() == m.stats.scratch.tolist()
    assert "scratch" in r.stats._non_persistent_buffers_set


def test_setstate_fills_missing_tables():
    T = oz()
    m = models(T).Tanh()
    state = dict(m.__dict__)
    del state["_forward_pre_hooks"], state["_non_persistent_buffers_set"]
    fresh = object.__new__(type(m))
    fresh.__setstate__(state)
    assert fresh(T.zeros(1)).tolist() == [0.0]
    fresh.register_buffer("b", T.ones(1), persistent=False)


# ------------------------------------------------------------------ nn.Buffer (2.x)

def test_buffer_assignment_registers():
    T = oz()
    m = T.nn.Module()
    m.kept = T.nn.Buffer(T.ones(2))
    m.scratch = T.nn.Buffer(T.zeros(1), persistent=False)
    assert list(m.state_dict()) == ["kept"]
    assert [n for n, _ in m.named_buffers()] == ["kept", "scratch"]
    assert isinstance(m.kept, T.nn.Buffer) and not isinstance(T.ones(1), T.nn.Buffer)
    assert type(m.kept) is T.Tensor and m.kept.requires_grad is False
    m.other = 3
    with pytest.raises(TypeError):
        m.kept = 3


def test_state_dict_positional_form_warns():
    def run(T):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            dest = OrderedDict()
            out = net(T).state_dict(dest, "p.")
        return out is dest, list(dest), len(caught) > 0
    ref, got = both(run)
    assert got == ref
