"""An exception raised in a DataLoader worker, carried to the main process (as its class and its
traceback text) and raised there again, so the user sees where in the dataset code it failed."""
import sys
import traceback


class KeyErrorMessage(str):
    """A KeyError's message that prints as written: KeyError shows repr() of its argument, which
    would squash the traceback text onto one line."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """The exception being handled now (or `exc_info`), with where it happened."""

    def __init__(self, exc_info=None, where="in background"):
        exc_type, exc_value, exc_tb = exc_info if exc_info is not None else sys.exc_info()
        self.exc_type = exc_type
        self.exc_msg = "".join(traceback.format_exception(exc_type, exc_value, exc_tb))
        self.where = where

    def reraise(self):
        """Raises an exception of the original class whose message holds the original
        traceback; a RuntimeError when that class cannot be built from one message."""
        msg = "Caught %s %s.\nOriginal %s" % (self.exc_type.__name__, self.where, self.exc_msg)
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:
            raise RuntimeError(msg) from None
        raise exc
