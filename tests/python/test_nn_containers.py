"""Sequential, ModuleList, ModuleDict, ParameterList and ParameterDict against real torch.
Each test runs the same container manipulations on both libraries and compares what is
observable: names of children and parameters, lengths, the types picked out, repr strings and
errors. ModuleList's repr folds repeated entries as PyTorch 2.x does (1.13 did not), so that
one is asserted directly."""
from collections import OrderedDict

import pytest
import torch

from conftest import assert_same, builtin_class, check, oz
from nn_module_models import fill, models


def both(fn):
    return fn(torch), fn(oz())


def same_error(fn, message=True):
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


def layers(T, n=4):
    """n distinct small modules: Affine(1, 1), Affine(1, 2), ..., then Tanh at odd places."""
    M = models(T)
    return [M.Affine(1, i + 1) if i % 2 == 0 else M.Tanh() for i in range(n)]


def describe(container):
    """What a container shows: child names, child types, parameter names."""
    return ([n for n, _ in container.named_children()],
            [type(m).__name__ for m in container.children()],
            [n for n, _ in container.named_parameters()])


# ------------------------------------------------------------------ Sequential

def test_sequential_forward_and_repr():
    def run(T):
        M = models(T)
        seq = fill(T, T.nn.Sequential(M.Affine(3, 4), M.Tanh(), M.Affine(4, 2)))
        return seq(T.tensor([[0.5, -1.0, 2.0]])).detach(), repr(seq), len(seq)
    check(run, rtol=1e-5, atol=1e-6)


def test_sequential_ordereddict_and_indexing():
    def run(T):
        M = models(T)
        seq = T.nn.Sequential(OrderedDict([("first", M.Affine(1, 1)), ("act", M.Tanh()),
                                           ("last", M.Affine(1, 2))]))
        out = [describe(seq), type(seq[-1]).__name__, seq[1] is seq.act, seq[-3] is seq.first]
        sub = seq[1:]
        out += [type(sub).__name__, describe(sub), sub[0] is seq.act, describe(seq[::-1])]
        seq[0] = M.Tanh()
        out.append(describe(seq))
        return out
    ref, got = both(run)
    assert got == ref


@pytest.mark.parametrize("idx", [3, -4, 10])
def test_sequential_index_errors(idx):
    same_error(lambda T: T.nn.Sequential(*layers(T, 3))[idx])


def test_sequential_index_type_error():
    same_error(lambda T: T.nn.Sequential(*layers(T, 3))["0"], message=False)


def test_sequential_delete_renumbers():
    def run(T):
        seq = T.nn.Sequential(*layers(T, 6))
        del seq[1]
        first = describe(seq)
        del seq[1:3]
        second = describe(seq)
        popped = seq.pop(0)
        return first, second, describe(seq), type(popped).__name__, len(seq)
    ref, got = both(run)
    assert got == ref


def test_sequential_append_insert_extend_add_mul():
    def run(T):
        M = models(T)
        seq = T.nn.Sequential(*layers(T, 2))
        out = [seq.append(M.Tanh()) is seq, describe(seq)]
        seq.insert(1, M.Affine(1, 5))
        seq.insert(-1, M.Affine(1, 6))
        seq.insert(len(seq), M.Affine(1, 7))
        out.append(describe(seq))
        seq.extend([M.Tanh(), M.Tanh()])
        out.append(describe(seq))
        joined = seq + T.nn.Sequential(M.Affine(1, 8))
        out.append(describe(joined))
        seq += T.nn.Sequential(M.Affine(1, 9))
        out.append(describe(seq))
        small = T.nn.Sequential(M.Affine(1, 1), M.Tanh())
        out.append(describe(small * 2))
        out.append(describe(2 * small))
        small *= 3
        out.append(describe(small))
        out.append(len(list(iter(small))))
        return out
    ref, got = both(run)
    assert got == ref


def test_sequential_errors():
    same_error(lambda T: T.nn.Sequential(*layers(T, 2)).insert(5, models(T).Tanh()))
    same_error(lambda T: T.nn.Sequential(*layers(T, 2)).insert(0, 3), message=False)
    same_error(lambda T: T.nn.Sequential(*layers(T, 2)) + [models(T).Tanh()])
    same_error(lambda T: T.nn.Sequential(*layers(T, 2)) * 0, message=False)
    same_error(lambda T: T.nn.Sequential(*layers(T, 2)) * 1.5, message=False)
    same_error(lambda T: T.nn.Sequential(3))


def test_sequential_dir_hides_numbers():
    T = oz()
    seq = T.nn.Sequential(*layers(T, 3))
    keys = dir(seq)
    assert "forward" in keys and not any(k.isdigit() for k in keys)


# ------------------------------------------------------------------ ModuleList

def test_modulelist_api():
    def run(T):
        M = models(T)
        ml = T.nn.ModuleList(layers(T, 3))
        out = [len(ml), describe(ml), type(ml[-1]).__name__, describe(ml[1:])]
        ml.append(M.Affine(1, 9))
        ml.extend([M.Tanh()])
        ml += [M.Affine(2, 2)]
        ml.insert(0, M.Affine(1, 4))
        out.append(describe(ml))
        ml[1] = M.Tanh()
        del ml[2]
        del ml[-2:]
        out.append(describe(ml))
        popped = ml.pop(-1)
        out += [type(popped).__name__, describe(ml)]
        added = ml + T.nn.ModuleList([M.Tanh()])
        out += [type(added).__name__, describe(added)]
        out.append([type(m).__name__ for m in ml])
        return out
    ref, got = both(run)
    assert got == ref


def test_modulelist_errors():
    same_error(lambda T: T.nn.ModuleList(layers(T, 2))[2])
    same_error(lambda T: T.nn.ModuleList(layers(T, 2))[-3])
    same_error(lambda T: T.nn.ModuleList(5))
    same_error(lambda T: T.nn.ModuleList([3]))
    same_error(lambda T: T.nn.ModuleList(layers(T, 2))(T.ones(1)))


def test_modulelist_repr_folds_repeats():
    T = oz()
    M = models(T)
    ml = T.nn.ModuleList([M.Affine(2, 2), M.Affine(2, 2), M.Affine(2, 2), M.Tanh(),
                          M.Affine(2, 3)])
    assert repr(ml) == (
        "ModuleList(\n"
        "  (0-2): 3 x Affine(in_features=2, out_features=2, bias=True)\n"
        "  (3): Tanh()\n"
        "  (4): Affine(in_features=2, out_features=3, bias=True)\n"
        ")")
    assert repr(T.nn.ModuleList()) == "ModuleList()"
    # without repeats it prints as 1.13 does
    check(lambda T: repr(T.nn.ModuleList(layers(T, 4))))


# ------------------------------------------------------------------ ModuleDict

def test_moduledict_api():
    def run(T):
        M = models(T)
        md = T.nn.ModuleDict({"b": M.Tanh(), "a": M.Affine(1, 2)})
        out = [list(md.keys()), describe(md), "a" in md, len(md)]
        md.update([("c", M.Affine(2, 2)), ("b", M.Affine(1, 1))])
        md["d"] = M.Tanh()
        out += [list(md), [type(v).__name__ for v in md.values()],
                [k for k, _ in md.items()], describe(md)]
        popped = md.pop("a")
        del md["c"]
        out += [type(popped).__name__, list(md), repr(md)]
        md.update(T.nn.ModuleDict(OrderedDict([("z", M.Tanh())])))
        out.append(list(md))
        md.clear()
        out.append(len(md))
        return out
    ref, got = both(run)
    assert got == ref


def test_moduledict_errors():
    same_error(lambda T: T.nn.ModuleDict(5))
    same_error(lambda T: T.nn.ModuleDict([models(T).Tanh()]))
    same_error(lambda T: T.nn.ModuleDict([("a", models(T).Tanh(), 3)]))
    same_error(lambda T: T.nn.ModuleDict()["missing"])
    same_error(lambda T: T.nn.ModuleDict({"a.b": models(T).Tanh()}))
    same_error(lambda T: T.nn.ModuleDict({"a": 3}))


# ------------------------------------------------------------------ ParameterList / ParameterDict

def test_parameterlist_api():
    def run(T):
        pl = T.nn.ParameterList([T.nn.Parameter(T.ones(2)), T.zeros(3, 1)])
        out = [len(pl), [type(p).__name__ for p in pl], [p.requires_grad for p in pl],
               [n for n, _ in pl.named_parameters()]]
        pl.append(T.ones(1, dtype=T.float64))
        pl.extend([T.nn.Parameter(T.ones(4), requires_grad=False)])
        pl += [T.ones(2)]
        pl[0] = T.full((2,), 3.0)
        out += [len(pl), [tuple(p.shape) for p in pl], pl[0].tolist(),
                type(pl[-1]).__name__, len(pl[1:4]), [tuple(p.shape) for p in pl[::2]],
                repr(pl), list(pl.state_dict())]
        return out
    ref, got = both(run)
    assert got == ref


def test_parameterlist_errors():
    same_error(lambda T: T.nn.ParameterList(T.ones(2)))
    same_error(lambda T: T.nn.ParameterList([T.ones(1)])[1])
    same_error(lambda T: T.nn.ParameterList([T.ones(1)])(T.ones(1)))


def test_parameterdict_api():
    def run(T):
        pd = T.nn.ParameterDict({"b": T.ones(2), "a": T.nn.Parameter(T.zeros(1))})
        out = [list(pd.keys()), [type(v).__name__ for v in pd.values()],
               [n for n, _ in pd.named_parameters()], "a" in pd, len(pd)]
        pd["c"] = T.ones(3, dtype=T.float64)
        pd.update([("d", T.ones(1)), ("a", T.full((1,), 2.0))])
        out += [list(pd), pd["a"].tolist(), repr(pd)]
        out.append(type(pd.pop("b")).__name__)
        out.append(pd.get("missing", "default"))
        out.append(tuple(pd.setdefault("e", T.ones(5)).shape))
        out.append(list(reversed(pd)))
        k, v = pd.popitem()
        out += [k, tuple(v.shape), list(pd.copy().keys()), list(pd.state_dict())]
        del pd["c"]
        out.append([k for k, _ in pd.items()])
        pd.clear()
        out.append(len(pd))
        return out
    ref, got = both(run)
    assert got == ref


def test_parameterdict_errors():
    same_error(lambda T: T.nn.ParameterDict(5))
    same_error(lambda T: T.nn.ParameterDict([T.ones(1)]))
    same_error(lambda T: T.nn.ParameterDict([("a", T.ones(1), 1)]))
    same_error(lambda T: T.nn.ParameterDict()["nope"])
    same_error(lambda T: T.nn.ParameterDict({"a": T.ones(1)})(T.ones(1)))


def test_containers_inside_a_model():
    def run(T):
        M = models(T)

        class Model(T.nn.Module):
            def __init__(self):
                super().__init__()
                self.blocks = T.nn.ModuleList([M.Affine(2, 2) for _ in range(2)])
                self.heads = T.nn.ModuleDict({"x": M.Affine(2, 1)})
                self.scales = T.nn.ParameterList([T.ones(2), T.ones(2)])
                self.bias = T.nn.ParameterDict({"out": T.zeros(1)})

            def forward(self, x):
                for block, scale in zip(self.blocks, self.scales):
                    x = block(x) * scale
                return self.heads["x"](x) + self.bias["out"]
        m = fill(T, Model())
        return (list(m.state_dict()), m(T.tensor([[1.0, -2.0]])).detach(),
                repr(m.scales) + repr(m.bias))
    ref, got = both(run)
    assert got[0] == ref[0] and got[2] == ref[2]
    assert_same(ref[1], got[1], rtol=1e-5, atol=1e-6)
