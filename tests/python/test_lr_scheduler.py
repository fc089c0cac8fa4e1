"""torch.optim.lr_scheduler parity: the same schedule on both libraries gives the same learning
rates (and momenta / betas) at every step, the same state dicts and the same errors.

The oracle is torch 1.13; where 2.x differs (Adam's beta1 cycled by CyclicLR, the deprecated
`verbose` argument warning) the tests say so.
"""
import copy
import math
import warnings

import numpy as np
import pytest
import torch

from conftest import check, oz


def lib(T):
    return T if T is torch else oz()


def make_optimizer(T, kind="SGD"):
    """Two param groups with different learning rates."""
    T = lib(T)
    w, b = T.zeros(3, requires_grad=True), T.zeros(2, requires_grad=True)
    groups = [{"params": [w]}, {"params": [b], "lr": 0.01}]
    if kind == "SGD":
        return T.optim.SGD(groups, lr=0.1, momentum=0.9)
    if kind == "Adam":
        return T.optim.Adam(groups, lr=0.1, betas=(0.9, 0.99))
    return getattr(T.optim, kind)(groups, lr=0.1)


def snapshot(scheduler, optimizer):
    """What a schedule controls, after a step: the reported lrs, the groups' lrs and momenta."""
    groups = optimizer.param_groups
    if isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau):
        last_lr = [g["lr"] for g in groups]  # 1.13's has no get_last_lr() yet; 2.x's has
    else:
        last_lr = scheduler.get_last_lr()
    return (list(last_lr), [g["lr"] for g in groups],
            [g.get("momentum") for g in groups], [tuple(g.get("betas", ())) for g in groups])


def lr_trace(T, build, steps, kind="SGD", metrics=None):
    T = lib(T)
    optimizer = make_optimizer(T, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # step(0) inside SequentialLR warns (deprecated epoch)
        scheduler = build(T.optim.lr_scheduler, optimizer)
        trace = [snapshot(scheduler, optimizer)]
        for i in range(steps):
            optimizer.step()
            if metrics is None:
                scheduler.step()
            else:
                scheduler.step(metrics[i])
            trace.append(snapshot(scheduler, optimizer))
    return trace


def assert_same_trace(ref, got):
    assert len(got) == len(ref)
    for step, (r, g) in enumerate(zip(ref, got)):
        for what, rv, gv in zip(("get_last_lr", "lr", "momentum", "betas"), r, g):
            assert len(gv) == len(rv), "step %d %s: %r, torch %r" % (step, what, gv, rv)
            for a, b in zip(rv, gv):
                if isinstance(a, (tuple, list)):
                    assert len(a) == len(b)
                    np.testing.assert_allclose(b, a, rtol=1e-12, atol=0,
                                               err_msg="step %d %s" % (step, what))
                elif a is None:
                    assert b is None, "step %d %s: %r, torch None" % (step, what, b)
                else:
                    assert b == pytest.approx(a, rel=1e-12, abs=1e-15), \
                        "step %d %s: %r, torch %r" % (step, what, gv, rv)


def seq(*builders):
    """Builds a SequentialLR of several schedulers on the optimizer."""
    def build(S, opt, milestones):
        return S.SequentialLR(opt, [b(S, opt) for b in builders], milestones=milestones)
    return build


PLATEAU_METRICS = [5, 4, 4, 4, 4, 3.9999, 3.5, 3.5, 3.6, 3.7, 3.5, 3.5, 3.5, 3.5, 2, 2.1, 2.2,
                   2.3, 2.4, 2.5, 2.6, 2.6, 2.6, 2.5, 2.4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                   1, 1]

SCHEDULES = {
    "step": (lambda S, o: S.StepLR(o, step_size=3, gamma=0.5), 30),
    "step-every-epoch": (lambda S, o: S.StepLR(o, step_size=1), 10),
    "multistep": (lambda S, o: S.MultiStepLR(o, milestones=[5, 10, 10, 20], gamma=0.3), 30),
    "exponential": (lambda S, o: S.ExponentialLR(o, gamma=0.9), 30),
    "cosine": (lambda S, o: S.CosineAnnealingLR(o, T_max=10), 50),
    "cosine-eta-min": (lambda S, o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.002), 50),
    "lambda": (lambda S, o: S.LambdaLR(o, lr_lambda=lambda e: 0.95 ** e), 30),
    "lambda-per-group": (lambda S, o: S.LambdaLR(o, [lambda e: 1 / (e + 1), lambda e: 0.5 * e]),
                         30),
    "multiplicative": (lambda S, o: S.MultiplicativeLR(o, lambda e: 0.9), 30),
    "constant": (lambda S, o: S.ConstantLR(o, factor=0.5, total_iters=4), 10),
    "linear-warmup": (lambda S, o: S.LinearLR(o, start_factor=0.25, total_iters=8), 15),
    "linear-decay": (lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.1,
                                             total_iters=10), 15),
    "polynomial": (lambda S, o: S.PolynomialLR(o, total_iters=10, power=2.0), 15),
    "onecycle-cos": (lambda S, o: S.OneCycleLR(o, max_lr=1.0, total_steps=100), 100),
    "onecycle-linear": (lambda S, o: S.OneCycleLR(o, max_lr=[1.0, 0.1], epochs=4,
                                                  steps_per_epoch=25, anneal_strategy="linear",
                                                  div_factor=10.0, final_div_factor=100.0), 100),
    "onecycle-three-phase": (lambda S, o: S.OneCycleLR(o, max_lr=0.5, total_steps=60,
                                                       three_phase=True, pct_start=0.25), 60),
    "onecycle-no-momentum": (lambda S, o: S.OneCycleLR(o, max_lr=0.5, total_steps=40,
                                                       cycle_momentum=False), 40),
    "cyclic": (lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=5), 40),
    "cyclic-triangular2": (lambda S, o: S.CyclicLR(o, base_lr=[0.01, 0.001], max_lr=0.1,
                                                   step_size_up=4, step_size_down=6,
                                                   mode="triangular2"), 50),
    "cyclic-exp-range": (lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                 mode="exp_range", gamma=0.9,
                                                 base_momentum=0.7, max_momentum=0.95), 40),
    "cyclic-scale-fn": (lambda S, o: S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                scale_fn=lambda x: 1 / (1 + x),
                                                scale_mode="iterations"), 30),
    "warm-restarts": (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=5), 30),
    "warm-restarts-mult": (lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                      eta_min=0.001), 40),
    "sequential": (lambda S, o: seq(lambda S, o: S.LinearLR(o, start_factor=0.1, total_iters=5),
                                    lambda S, o: S.ExponentialLR(o, gamma=0.9))(S, o, [5]), 30),
    "sequential-three": (lambda S, o: seq(lambda S, o: S.ConstantLR(o, factor=0.5,
                                                                    total_iters=3),
                                          lambda S, o: S.CosineAnnealingLR(o, T_max=10),
                                          lambda S, o: S.StepLR(o, 3))(S, o, [4, 14]), 30),
    "chained": (lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=2),
                                                 S.ExponentialLR(o, gamma=0.9)]), 20),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_lr_sequence_matches_torch(name):
    build, steps = SCHEDULES[name]
    assert_same_trace(lr_trace(torch, build, steps), lr_trace(oz(), build, steps))


@pytest.mark.parametrize("build", [
    lambda S, o: S.OneCycleLR(o, max_lr=0.3, total_steps=50),
    lambda S, o: S.OneCycleLR(o, max_lr=0.3, total_steps=50, three_phase=True,
                              base_momentum=0.8, max_momentum=0.9),
    lambda S, o: S.StepLR(o, step_size=4),
], ids=["onecycle", "onecycle-three-phase", "step"])
def test_adam_beta1_cycles_like_torch(build):
    assert_same_trace(lr_trace(torch, build, 50, "Adam"), lr_trace(oz(), build, 50, "Adam"))


def test_cyclic_lr_cycles_adam_beta1_like_sgd_momentum():
    # 2.x cycles Adam's beta1 (1.13 refused optimizers without 'momentum'): beta1 must follow
    # exactly the momentum torch computes for SGD under the same schedule.
    def build(S, o):
        return S.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4, base_momentum=0.8,
                          max_momentum=0.95)
    ref = lr_trace(torch, build, 30, "SGD")
    got = lr_trace(oz(), build, 30, "Adam")
    for r, g in zip(ref, got):
        assert g[1] == pytest.approx(r[1], rel=1e-12)
        assert [b[0] for b in g[3]] == pytest.approx(r[2], rel=1e-12)
        assert [b[1] for b in g[3]] == [0.99, 0.99]


@pytest.mark.parametrize("config", [
    dict(patience=2),
    dict(mode="max", threshold_mode="abs", threshold=0.05, cooldown=2, patience=1,
         min_lr=[0.001, 0.0005]),
    dict(factor=0.5, patience=0, eps=1e-3, min_lr=0.004),
    dict(threshold_mode="abs", threshold=0.2, patience=3, cooldown=1),
    dict(mode="max", factor=0.3, patience=1),
], ids=["min-rel", "max-abs-cooldown", "eps", "min-abs", "max-rel"])
def test_reduce_on_plateau_matches_torch(config):
    def build(S, o):
        return S.ReduceLROnPlateau(o, **config)
    ref = lr_trace(torch, build, len(PLATEAU_METRICS), metrics=PLATEAU_METRICS)
    got = lr_trace(oz(), build, len(PLATEAU_METRICS), metrics=PLATEAU_METRICS)
    assert_same_trace(ref, got)
    assert len({tuple(step[1]) for step in got}) > 2  # the lr did change, more than once


def test_reduce_on_plateau_takes_a_tensor_metric_and_counts_epochs():
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        sched = T.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)
        for value in (1.0, 1.0, 0.5, 0.7):
            sched.step(T.tensor(value))
        return (sched.last_epoch, sched.best, sched.num_bad_epochs,
                [g["lr"] for g in opt.param_groups])
    check(run)


# ------------------------------------------------------------------ initial_lr and resuming

def test_initial_lr_is_recorded_once():
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        S = T.optim.lr_scheduler
        first = S.StepLR(opt, step_size=2, gamma=0.5)
        for _ in range(4):
            opt.step()
            first.step()
        second = S.ExponentialLR(opt, gamma=0.9)  # keeps the first initial_lr
        return ([g["initial_lr"] for g in opt.param_groups], second.base_lrs,
                [g["lr"] for g in opt.param_groups], second.last_epoch)
    assert check(run)[0] == [0.1, 0.01]


@pytest.mark.parametrize("cls, kwargs", [("StepLR", dict(step_size=3)),
                                         ("CosineAnnealingLR", dict(T_max=8)),
                                         ("ExponentialLR", dict(gamma=0.8))])
def test_resuming_with_last_epoch(cls, kwargs):
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        for group in opt.param_groups:
            group["initial_lr"] = group["lr"] * 2
        sched = getattr(T.optim.lr_scheduler, cls)(opt, last_epoch=4, **kwargs)
        lrs = [sched.get_last_lr()]
        for _ in range(12):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        return lrs, sched.last_epoch, sched.base_lrs
    check(run)


def test_resuming_without_initial_lr_raises_key_error():
    check(lambda T: lib(T).optim.lr_scheduler.StepLR(make_optimizer(T), 3, last_epoch=5),
          raises=KeyError)


# ------------------------------------------------------------------ state dicts

@pytest.mark.parametrize("name", ["step", "multistep", "cosine", "lambda", "onecycle-cos",
                                  "cyclic-exp-range", "warm-restarts-mult", "sequential",
                                  "chained", "linear-warmup"])
def test_checkpoint_and_resume_continues_the_schedule(name):
    build, steps = SCHEDULES[name]
    ref = lr_trace(torch, build, 20)

    T = oz()
    S = T.optim.lr_scheduler
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt = make_optimizer(T)
        sched = build(S, opt)
        for _ in range(10):
            opt.step()
            sched.step()
        saved = copy.deepcopy((opt.state_dict(), sched.state_dict()))
        # A fresh optimizer and scheduler, then the checkpoint, as a training script resumes.
        opt = make_optimizer(T)
        sched = build(S, opt)
        opt.load_state_dict(saved[0])
        sched.load_state_dict(saved[1])
        got = [snapshot(sched, opt)]
        for _ in range(10):
            opt.step()
            sched.step()
            got.append(snapshot(sched, opt))
    assert_same_trace(ref[10:], got)


def test_reduce_on_plateau_state_round_trip():
    T = oz()
    opt = make_optimizer(T)
    sched = T.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", patience=1)
    for value in (1, 2, 2, 2):
        sched.step(value)
    state = copy.deepcopy(sched.state_dict())
    other = T.optim.lr_scheduler.ReduceLROnPlateau(make_optimizer(T))
    other.load_state_dict(state)
    assert (other.mode, other.best, other.num_bad_epochs, other.last_epoch) == ("max", 2, 0, 4)
    assert other.mode_worse == -math.inf
    assert "optimizer" not in state


def comparable(value):
    """Scheduler state values as plain Python data (Counter -> dict) for comparing."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


@pytest.mark.parametrize("build", [
    lambda S, o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda S, o: S.MultiStepLR(o, milestones=[2, 4, 4]),
    lambda S, o: S.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    lambda S, o: S.LambdaLR(o, lambda e: 0.5 ** e),
    lambda S, o: S.LinearLR(o, start_factor=0.5),
    lambda S, o: S.ExponentialLR(o, gamma=0.5),
], ids=["step", "multistep", "cosine", "lambda", "linear", "exponential"])
def test_state_dict_matches_torch(build):
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        sched = build(T.optim.lr_scheduler, opt)
        for _ in range(3):
            opt.step()
            sched.step()
        return comparable(sched.state_dict())
    ref, got = run(torch), run(oz())
    assert sorted(got) == sorted(ref)
    assert got == ref


def test_lambda_lr_saves_callable_objects_but_not_functions():
    class Decay:
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, epoch):
            return self.rate ** epoch

    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        S = T.optim.lr_scheduler
        sched = S.LambdaLR(opt, [Decay(0.5), lambda e: 1.0])
        state = sched.state_dict()
        other = S.LambdaLR(make_optimizer(T), [Decay(0.9), lambda e: 2.0])
        other.load_state_dict(state)
        return state["lr_lambdas"], other.lr_lambdas[0].rate, "lr_lambdas" in state
    assert run(oz()) == run(torch) == ([{"rate": 0.5}, None], 0.5, True)


# ------------------------------------------------------------------ epochs, warnings, printing

@pytest.mark.parametrize("build", [
    lambda S, o: S.StepLR(o, step_size=3, gamma=0.5),
    lambda S, o: S.MultiStepLR(o, milestones=[2, 5, 5]),
    lambda S, o: S.CosineAnnealingLR(o, T_max=6),
    lambda S, o: S.LinearLR(o, start_factor=0.2, total_iters=4),
    lambda S, o: S.PolynomialLR(o, total_iters=6),
    lambda S, o: S.ConstantLR(o, total_iters=3),
    lambda S, o: S.LambdaLR(o, lambda e: 1.0 / (1 + e)),
    lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=3),
], ids=["step", "multistep", "cosine", "linear", "polynomial", "constant", "lambda",
        "warm-restarts"])
def test_explicit_epochs_use_the_closed_form(build):
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        sched = build(T.optim.lr_scheduler, opt)
        lrs = []
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for epoch in (3, 1, 7, 7, 2.5, 10):
                opt.step()
                sched.step(epoch)
                lrs.append(sched.get_last_lr())
        # (CosineAnnealingWarmRestarts takes epochs as a feature and does not warn.)
        return lrs, any("epoch parameter" in str(w.message) for w in caught)
    check(run)


def test_warns_when_stepped_before_the_optimizer():
    for T in (torch, oz()):
        opt = make_optimizer(T)
        sched = T.optim.lr_scheduler.StepLR(opt, 2)
        with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
            sched.step()
    for T in (torch, oz()):  # the right order is silent
        opt = make_optimizer(T)
        sched = T.optim.lr_scheduler.StepLR(opt, 2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            opt.step()
            sched.step()


def test_get_lr_outside_step_warns():
    for T in (torch, oz()):
        sched = T.optim.lr_scheduler.ExponentialLR(make_optimizer(T), 0.5)
        with pytest.warns(UserWarning, match="get_last_lr"):
            sched.get_lr()


def test_verbose_prints_like_torch(capsys):
    outputs = []
    for T in (torch, oz()):
        opt = make_optimizer(T)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # 2.x: verbose is deprecated and warns
            sched = T.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5, verbose=True)
            opt.step()
            sched.step()
            sched.step(5)
        outputs.append(capsys.readouterr().out)
    assert outputs[1] == outputs[0]
    assert "Adjusting learning rate of group 1 to 5.0000e-03." in outputs[1]
    with pytest.warns(UserWarning, match="verbose parameter is deprecated"):
        oz().optim.lr_scheduler.StepLR(make_optimizer(oz()), 1, verbose=False)


def test_onecycle_refuses_to_step_past_total_steps():
    def run(T):
        T = lib(T)
        opt = make_optimizer(T)
        sched = T.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=5)
        for _ in range(6):
            opt.step()
            sched.step()
    check(run, raises=ValueError)


# ------------------------------------------------------------------ bad arguments

def other_optimizer_in_sequence(S, o):
    stranger = make_optimizer(torch if S is torch.optim.lr_scheduler else oz())
    return S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(stranger, 2)], milestones=[3])


BAD = [
    ("not-an-optimizer", lambda S, o: S.StepLR(object(), 3), TypeError),
    ("plateau-not-an-optimizer", lambda S, o: S.ReduceLROnPlateau(object()), TypeError),
    ("onecycle-not-an-optimizer", lambda S, o: S.OneCycleLR(object(), 0.1, 10), TypeError),
    ("lambda-count", lambda S, o: S.LambdaLR(o, [lambda e: 1.0]), ValueError),
    ("multiplicative-count", lambda S, o: S.MultiplicativeLR(o, [lambda e: 1.0] * 3), ValueError),
    ("constant-factor", lambda S, o: S.ConstantLR(o, factor=1.5), ValueError),
    ("linear-start-big", lambda S, o: S.LinearLR(o, start_factor=1.5), ValueError),
    ("linear-end", lambda S, o: S.LinearLR(o, end_factor=-0.1), ValueError),
    ("onecycle-no-length", lambda S, o: S.OneCycleLR(o, 0.1), ValueError),
    ("onecycle-zero-steps", lambda S, o: S.OneCycleLR(o, 0.1, total_steps=0), ValueError),
    ("onecycle-float-steps", lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10.0), ValueError),
    ("onecycle-zero-epochs", lambda S, o: S.OneCycleLR(o, 0.1, epochs=0, steps_per_epoch=3),
     ValueError),
    ("onecycle-bad-steps-per-epoch", lambda S, o: S.OneCycleLR(o, 0.1, epochs=2,
                                                               steps_per_epoch=-1), ValueError),
    ("onecycle-pct", lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1.5),
     ValueError),
    ("onecycle-int-pct", lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1),
     ValueError),
    ("onecycle-anneal", lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10,
                                                  anneal_strategy="exp"), ValueError),
    ("onecycle-max-lr-count", lambda S, o: S.OneCycleLR(o, [0.1, 0.2, 0.3], total_steps=10),
     ValueError),
    ("cyclic-mode", lambda S, o: S.CyclicLR(o, 0.01, 0.1, mode="square"), ValueError),
    ("cyclic-base-lr-count", lambda S, o: S.CyclicLR(o, [0.01], 0.1), ValueError),
    ("warm-restarts-t0", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0), ValueError),
    ("warm-restarts-float-t0", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2.0),
     ValueError),
    ("warm-restarts-tmult", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
     ValueError),
    ("warm-restarts-negative-epoch",
     lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2).step(-1), ValueError),
    ("plateau-factor", lambda S, o: S.ReduceLROnPlateau(o, factor=1.0), ValueError),
    ("plateau-mode", lambda S, o: S.ReduceLROnPlateau(o, mode="avg"), ValueError),
    ("plateau-threshold-mode", lambda S, o: S.ReduceLROnPlateau(o, threshold_mode="pct"),
     ValueError),
    ("plateau-min-lr-count", lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError),
    ("sequential-milestones", lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2), S.StepLR(o, 3)],
                                                          milestones=[2, 4]), ValueError),
    ("sequential-other-optimizer", other_optimizer_in_sequence, ValueError),
]


@pytest.mark.parametrize("build, exc", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_arguments_raise_like_torch(build, exc):
    def run(T):
        T = lib(T)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return build(T.optim.lr_scheduler, make_optimizer(T))
    check(run, raises=exc)


@pytest.mark.parametrize("build, message", [
    (lambda S, o: S.LinearLR(o, start_factor=0), "Starting multiplicative factor expected to be "
                                                  "greater than 0 and less or equal to 1."),
    (lambda S, o: S.OneCycleLR(o, 0.1, epochs=3),
     r"You must define either total_steps OR \(epochs AND steps_per_epoch\)"),
], ids=["linear-start-zero", "onecycle-epochs-only"])
def test_bad_arguments_that_pytorch_2_rejects(build, message):
    # 1.13 accepted start_factor=0 and failed on `None <= 0` (TypeError) for epochs alone.
    with pytest.raises(ValueError, match=message):
        build(oz().optim.lr_scheduler, make_optimizer(oz()))


def test_reduce_on_plateau_reports_its_last_lr():
    # 2.x gives ReduceLROnPlateau get_last_lr() like the other schedulers.
    opt = make_optimizer(oz())
    sched = oz().optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, factor=0.5)
    assert sched.get_last_lr() == [0.1, 0.01]
    sched.step(1.0)
    sched.step(2.0)
    assert sched.get_last_lr() == [0.05, 0.005] == [g["lr"] for g in opt.param_groups]


def test_cycle_momentum_needs_momentum_or_betas():
    # Adagrad has neither 'momentum' nor 'betas'.
    check(lambda T: lib(T).optim.lr_scheduler.OneCycleLR(make_optimizer(T, "Adagrad"), 0.1,
                                                         total_steps=10), raises=ValueError)
    check(lambda T: lib(T).optim.lr_scheduler.CyclicLR(make_optimizer(T, "Adagrad"), 0.01, 0.1),
          raises=ValueError)


def test_legacy_base_class_name_and_subclassing():
    # Code written for 1.x subclasses _LRScheduler; 2.x names the base LRScheduler.
    def run(T):
        T = lib(T)
        S = T.optim.lr_scheduler

        class HalveEveryOther(S._LRScheduler):
            def get_lr(self):
                if self.last_epoch % 2:
                    return [g["lr"] / 2 for g in self.optimizer.param_groups]
                return [g["lr"] for g in self.optimizer.param_groups]
        opt = make_optimizer(T)
        sched = HalveEveryOther(opt)
        lrs = []
        for _ in range(6):
            opt.step()
            sched.step()
            lrs.append(sched.get_last_lr())
        return lrs
    check(run)
    S = oz().optim.lr_scheduler
    assert issubclass(S._LRScheduler, S.LRScheduler) and issubclass(S.StepLR, S.LRScheduler)
