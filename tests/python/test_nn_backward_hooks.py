"""Module full backward hooks (register_full_backward_hook, beside torch; the 2.x pre-hook,
which Debian's torch 1.13 lacks, against its definition)."""
import numpy as np
import pytest
import torch

from conftest import oz


def linear(T):
    lin = T.nn.Linear(3, 2).double()
    with T.no_grad():
        lin.weight.copy_(T.tensor(np.arange(6.).reshape(2, 3) / 5))
        lin.bias.fill_(0.1)
    return lin


def run(T, model_fn, x_requires_grad=True, scale=None):
    m = model_fn(T)
    log = []

    def hook(module, grad_input, grad_output):
        log.append((type(module).__name__,
                    [None if g is None else np.round(g.numpy(), 9).tolist() for g in grad_input],
                    [np.round(g.numpy(), 9).tolist() for g in grad_output]))
        if scale is not None and grad_input[0] is not None:
            return (grad_input[0] * scale,) + tuple(grad_input[1:])
        return None

    for sub in m.modules():
        if not list(sub.children()):
            sub.register_full_backward_hook(hook)
    x = T.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=x_requires_grad)
    (m(x) ** 2).sum().backward()
    return log, (np.round(x.grad.numpy(), 9).tolist() if x_requires_grad else None), \
        [np.round(p.grad.numpy(), 9).tolist() for p in m.parameters()]


MODELS = {
    "linear": linear,
    "mlp": lambda T: T.nn.Sequential(linear(T), T.nn.Tanh(), T.nn.Linear(2, 2).double()),
}


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("scale", [None, 3.0])
def test_full_backward_hooks_like_torch(model, scale):
    torch.manual_seed(0)
    oz().manual_seed(0)
    if model == "mlp":  # same weights in both: copy torch's into oztorch's
        ref_model = MODELS[model](torch)
        state = {k: oz().tensor(v.numpy()) for k, v in ref_model.state_dict().items()}
        make_oz = lambda T: (lambda m: (m.load_state_dict(state), m)[1])(MODELS[model](T))  # noqa: E731
        make_ref = lambda T: ref_model  # noqa: E731
    else:
        make_oz = make_ref = MODELS[model]
    assert run(oz(), make_oz, scale=scale) == run(torch, make_ref, scale=scale)


def test_pre_hook_replaces_grad_output():
    T = oz()
    m = linear(T)
    seen = []
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(go[0].tolist()))
    x = T.ones(1, 3, dtype=T.float64, requires_grad=True)
    m(x).sum().backward()
    assert seen == [[[2.0, 2.0]]]
    assert m.weight.grad.tolist() == [[2.0, 2.0, 2.0]] * 2  # the doubled grad_output flows on


def test_hook_runs_when_no_input_needs_grad_and_handles_remove():
    T = oz()
    m = linear(T)
    seen = []
    h = m.register_full_backward_hook(lambda mod, gi, go: seen.append(gi))
    m(T.ones(1, 3, dtype=T.float64)).sum().backward()
    assert seen == [(None,)]
    h.remove()
    m(T.ones(1, 3, dtype=T.float64)).sum().backward()
    assert len(seen) == 1


def test_wrong_number_of_grad_inputs_is_an_error():
    T = oz()
    m = linear(T)
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0], gi[0]))
    with pytest.raises(RuntimeError, match="invalid number of grad_input"):
        m(T.ones(1, 3, dtype=T.float64, requires_grad=True)).sum().backward()
