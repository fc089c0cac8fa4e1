"""Small models built the same way on torch and on oztorch, for the nn.Module tests
(test_nn_module.py, test_nn_containers.py, test_nn_utils.py). They use only nn.Module,
nn.Parameter, buffers, containers and tensor ops, so they test Module itself and not the layers.

    M = models(T)            # the classes, made once per library
    net = M.Net(); fill(T, net)   # same values on both libraries
"""
import functools
import types

import numpy as np

from conftest import sample


@functools.lru_cache(maxsize=None)
def models(T):
    """The model classes written against library T (torch or oztorch)."""
    nn = T.nn

    class Affine(nn.Module):
        def __init__(self, n_in, n_out, bias=True):
            super().__init__()
            self.n_in, self.n_out = n_in, n_out
            self.weight = nn.Parameter(T.zeros(n_out, n_in))
            if bias:
                self.bias = nn.Parameter(T.zeros(n_out))
            else:
                self.register_parameter("bias", None)

        def forward(self, x):
            y = x.matmul(self.weight.t())
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return "in_features={}, out_features={}, bias={}".format(
                self.n_in, self.n_out, self.bias is not None)

    class Tanh(nn.Module):
        def forward(self, x):
            return x.tanh()

    class Stats(nn.Module):
        """Buffers of every kind: persistent float, int64 counter, non-persistent scratch, None."""

        def __init__(self, n):
            super().__init__()
            self.scale = nn.Parameter(T.ones(n))
            self.register_buffer("running_mean", T.zeros(n))
            self.register_buffer("num_batches", T.tensor(0))
            self.register_buffer("scratch", T.ones(n), persistent=False)
            self.register_buffer("absent", None)

        def forward(self, x):
            return x * self.scale - self.running_mean

        def extra_repr(self):
            return "n={}\nmultiline=True".format(self.scale.shape[0])

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Affine(3, 4)
            self.stats = Stats(4)
            self.body = nn.Sequential(Affine(4, 4), Tanh(), Affine(4, 2, bias=False))
            self.empty = None
            self.register_module("tail", Tanh())
            self.add_module("missing", None)
            self.extra = nn.Parameter(T.zeros(2))

        def forward(self, x):
            return self.tail(self.body(self.stats(self.fc1(x))) + self.extra)

    class Shared(nn.Module):
        """The same child twice and the same Parameter on two modules."""

        def __init__(self):
            super().__init__()
            self.a = Affine(2, 2)
            self.b = self.a
            self.c = Affine(2, 2)
            self.c.weight = self.a.weight

        def forward(self, x):
            return self.c(self.b(self.a(x)))

    classes = dict(Affine=Affine, Tanh=Tanh, Stats=Stats, Net=Net, Shared=Shared)
    for name, cls in classes.items():  # published under a module-level name so pickle finds them
        cls.__qualname__ = "%s_%s" % (T.__name__, name)
        globals()[cls.__qualname__] = cls
    return types.SimpleNamespace(**classes)


def fill(T, module, seed=0):
    """Gives every parameter and floating buffer of `module` deterministic values (the same on
    torch and oztorch), in place."""
    with T.no_grad():
        tensors = list(module.parameters()) + list(module.buffers())
        for i, t in enumerate(tensors):
            if t.is_floating_point():
                arr = sample(tuple(t.shape), str(t.dtype).replace("torch.", ""), seed + i)
                t.copy_(T.tensor(arr.tolist(), dtype=t.dtype).reshape(t.shape))
    return module


def to_oz(oztorch, torch_tensor):
    """An oztorch tensor with the values and dtype of a torch tensor (through numpy)."""
    arr = torch_tensor.detach().numpy()
    return oztorch.tensor(arr.tolist(), dtype=getattr(oztorch, str(torch_tensor.dtype)[6:]))


def copy_weights(torch_module, oz_module, oztorch):
    """Copies torch_module's state_dict values into oz_module's tensors (matched by name)."""
    got = dict(oz_module.state_dict(keep_vars=True))
    with oztorch.no_grad():
        for k, v in torch_module.state_dict().items():
            got[k].copy_(to_oz(oztorch, v).reshape(got[k].shape))


def np_state(state_dict):
    """name -> numpy array, for comparing state_dicts of the two libraries."""
    return {k: np.asarray(v.detach().tolist()) for k, v in state_dict.items()}
