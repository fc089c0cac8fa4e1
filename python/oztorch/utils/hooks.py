"""torch.utils.hooks.RemovableHandle: what register_*_hook returns; .remove() unregisters."""
import weakref

__all__ = ["RemovableHandle"]


class RemovableHandle:
    """Removes one hook from the dict(s) it was registered in. Holds the dicts weakly so a
    handle never keeps a module's hook table alive."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        for ref in (self.hooks_dict_ref,) + self.extra_dict_ref:
            d = ref()
            if d is not None and self.id in d:
                del d[self.id]

    def __getstate__(self):
        return (self.hooks_dict_ref(), self.id,
                tuple(ref() for ref in self.extra_dict_ref))

    def __setstate__(self, state):
        hooks_dict, self.id, extra = state
        self.hooks_dict_ref = weakref.ref(hooks_dict if hooks_dict is not None else _Dead())
        RemovableHandle.next_id = max(RemovableHandle.next_id, self.id + 1)
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra if d is not None)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.remove()


class _Dead(dict):
    """A weak-referenceable empty dict standing in for a hook table that no longer exists."""
