"""Grad-mode switches, usable as context managers and as decorators, like torch's."""
import functools

from .. import _C


class _GradModeSwitch:
    """Base: subclasses say what mode to enter; the previous mode is restored on exit."""

    def _enter_mode(self):
        raise NotImplementedError

    def __enter__(self):
        self._prev = (_C.is_grad_enabled(), _C.is_inference_mode_enabled())
        self._enter_mode()
        return None

    def __exit__(self, *exc):
        _C._set_grad_enabled(self._prev[0])
        _C._set_inference_mode(self._prev[1])
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradModeSwitch):
    """Operations inside do not record autograd history."""

    def __init__(self, orig_func=None):
        # torch allows both @no_grad and @no_grad()
        self._orig = orig_func

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            self.__init__()
            return self(orig_func)
        return self

    def _enter_mode(self):
        _C._set_grad_enabled(False)


class enable_grad(_GradModeSwitch):
    """Turns recording back on inside a no_grad region."""

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if orig_func is not None and callable(orig_func):
            return self(orig_func)
        return self

    def __init__(self, orig_func=None):
        pass

    def _enter_mode(self):
        _C._set_grad_enabled(True)


class set_grad_enabled(_GradModeSwitch):
    """set_grad_enabled(mode): takes effect immediately (also as a plain call), like torch's."""

    def __init__(self, mode):
        self._prev = (_C.is_grad_enabled(), _C.is_inference_mode_enabled())
        self.mode = bool(mode)
        _C._set_grad_enabled(self.mode)

    def __enter__(self):
        return None

    def _enter_mode(self):
        _C._set_grad_enabled(self.mode)

    def clone(self):
        return self.__class__(self.mode)

    def __call__(self, func):
        _C._set_grad_enabled(self._prev[0])  # as a decorator it applies only inside func
        return super().__call__(func)


class inference_mode(_GradModeSwitch):
    """Like no_grad, for inference: tensors made inside never need history."""

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        if callable(mode):
            self.mode = True
            return self(mode)
        return self

    def __init__(self, mode=True):
        if not callable(mode):
            self.mode = bool(mode)

    def _enter_mode(self):
        _C._set_inference_mode(self.mode)
        _C._set_grad_enabled(not self.mode and self._prev[0])

    def clone(self):
        return self.__class__(self.mode)


def is_grad_enabled():
    return _C.is_grad_enabled()


def is_inference_mode_enabled():
    return _C.is_inference_mode_enabled()
