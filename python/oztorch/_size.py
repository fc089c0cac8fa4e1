"""torch.Size: the shape of a tensor, a tuple of ints that prints as ``torch.Size([2, 3])``."""
import operator as _operator

from . import _C


class Size(tuple):
    # No __dict__: the C side builds instances directly with tuple's layout.
    __slots__ = ()

    def __new__(cls, sizes=()):
        items = tuple(sizes)
        for i, v in enumerate(items):
            if type(v) is not int:
                if isinstance(v, bool) or not hasattr(type(v), "__index__"):
                    raise TypeError(
                        f"torch.Size() takes an iterable of 'int' (item {i} is "
                        f"'{type(v).__name__}')")
        if not all(type(v) is int for v in items):
            items = tuple(_operator.index(v) for v in items)
        return super().__new__(cls, items)

    def __repr__(self):
        return f"torch.Size([{', '.join(str(d) for d in self)}])"

    __str__ = __repr__

    def numel(self):
        """Number of elements a tensor of this size holds."""
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return Size(tuple(self) + tuple(other))

    def __mul__(self, n):
        if not isinstance(n, int):
            return NotImplemented
        return Size(tuple(self) * n)

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))


_C._set_size_class(Size)
