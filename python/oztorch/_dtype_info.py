"""torch.finfo / torch.iinfo: the numeric limits of a dtype, as plain Python numbers."""
from . import _C

# bits, eps, max, tiny (smallest normal), resolution (10 ** -decimal digits)
_FLOAT_LIMITS = {
    "float16": (16, 2.0 ** -10, 65504.0, 2.0 ** -14, 0.001),
    "bfloat16": (16, 2.0 ** -7, (2 - 2.0 ** -7) * 2.0 ** 127, 2.0 ** -126, 0.01),
    "float32": (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126, 1e-06),
    "float64": (64, 2.0 ** -52, (2 - 2.0 ** -52) * 2.0 ** 1023, 2.0 ** -1022, 1e-15),
}
_INT_BITS = {"uint8": 8, "int8": 8, "int16": 16, "int32": 32, "int64": 64}


def _dtype_name(dtype):
    return str(dtype).rsplit(".", 1)[-1]


def _not_a_dtype(fn, value):
    return "%s(): argument 'type' (position 1) must be torch.dtype, not %s" % (
        fn, value.__class__.__name__)


class finfo:
    """Limits of a floating dtype (the default dtype when none is given)."""

    def __init__(self, type=None):
        if type is None:
            type = _C.get_default_dtype()
        if not isinstance(type, _C.dtype):
            raise TypeError(_not_a_dtype("finfo", type))
        name = _dtype_name(type)
        if name not in _FLOAT_LIMITS:
            raise TypeError("torch.finfo() requires a floating point input type. "
                            "Use torch.iinfo to handle '%s'" % "torch.finfo")
        self.bits, self.eps, self.max, self.tiny, self.resolution = _FLOAT_LIMITS[name]
        self.min = -self.max
        self.smallest_normal = self.tiny
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, finfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("finfo", self.dtype))

    def __repr__(self):
        return ("finfo(resolution=%g, min=%g, max=%g, eps=%g, smallest_normal=%g, tiny=%g, "
                "dtype=%s)" % (self.resolution, self.min, self.max, self.eps,
                               self.smallest_normal, self.tiny, self.dtype))


class iinfo:
    """Limits of an integer dtype."""

    def __init__(self, type):
        if not isinstance(type, _C.dtype):
            raise TypeError(_not_a_dtype("iinfo", type))
        name = _dtype_name(type)
        if name == "bool":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if name not in _INT_BITS:
            raise TypeError("torch.iinfo() requires an integer input type. "
                            "Use torch.finfo to handle '%s'" % "torch.iinfo")
        self.bits = _INT_BITS[name]
        if name == "uint8":
            self.min, self.max = 0, 2 ** self.bits - 1
        else:
            self.min, self.max = -2 ** (self.bits - 1), 2 ** (self.bits - 1) - 1
        self.dtype = name

    def __eq__(self, other):
        return isinstance(other, iinfo) and self.dtype == other.dtype

    def __hash__(self):
        return hash(("iinfo", self.dtype))

    def __repr__(self):
        return "iinfo(min=%d, max=%d, dtype=%s)" % (self.min, self.max, self.dtype)
