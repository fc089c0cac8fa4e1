"""repr()/str() of tensors, character for character what PyTorch prints.

PyTorch's printer (torch/_tensor_str.py) is the contract: people paste reprs into doctests, bug
reports and notebooks, so a tensor must print exactly as it does in PyTorch (1.13, the oracle).
The rules it follows, all reproduced here:

* One formatter per tensor picks a style from the nonzero finite values shown:
  - int mode (every such value is integral): ``1.``, ``-3.``;
  - fixed: ``1.2346`` (``precision`` digits);
  - scientific, ``1.0000e+10``, when max/min > 1000, max > 1e8, or (not int mode) min < 1e-4.
  ``sci_mode`` from set_printoptions overrides the choice (but not when no value is nonzero and
  finite: PyTorch returns before applying it). Every element is right-aligned to one width.
* Rows wrap at ``linewidth``; nested dims are separated by dim-1 blank lines.
* Above ``threshold`` elements, every dim longer than 2*``edgeitems`` is cut to its first and
  last ``edgeitems`` entries with ``...`` between; the style is chosen from the shown values only.
* Suffixes: ``device=`` (non-CPU tensors), ``size=`` (empty, not 1-d), ``dtype=`` (unless the
  default float dtype, its complex twin, int64 or bool; always for empty tensors that are not the
  default float dtype), ``grad_fn=<...>`` or ``requires_grad=True``. A suffix that would overflow
  the line goes on a new one.

This module touches a tensor only through dim(), shape, dtype, device, numel(), tolist() and
t[int] / t[slice] indexing, and formats Python scalars, so it works with any backend and is
unit-tested against real PyTorch tensors. Summarised tensors are read by indexing, so printing a
huge tensor converts only the few values it shows.
"""

import contextlib
import math

__all__ = ["set_printoptions", "get_printoptions", "printoptions"]


class _PrintOptions(object):
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth), as in PyTorch
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    r"""Set options for printing (same meaning as ``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point for floating point output (default 4).
        threshold: number of elements above which the repr is summarised (default 1000).
        edgeitems: items shown at the start and end of each summarised dim (default 3).
        linewidth: characters per line used to wrap rows (default 80).
        profile: ``"default"``, ``"short"`` or ``"full"``: a preset of the four options above,
            which the other arguments then override.
        sci_mode: True/False forces scientific notation on/off; None (the default) lets the
            printer choose. Like PyTorch, every call sets it, so omitting it resets it to None.
    """
    if profile is not None and profile in _PROFILES:
        (PRINT_OPTS.precision, PRINT_OPTS.threshold,
         PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """The current print options as a dict (the keyword arguments of set_printoptions)."""
    return {
        "precision": PRINT_OPTS.precision,
        "threshold": PRINT_OPTS.threshold,
        "edgeitems": PRINT_OPTS.edgeitems,
        "linewidth": PRINT_OPTS.linewidth,
        "sci_mode": PRINT_OPTS.sci_mode,
    }


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager: set_printoptions(**kwargs) inside the block, the old options after."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _torch():
    """The package whose get_default_dtype()/Tensor/nn.Parameter apply (tests swap in torch)."""
    import oztorch

    return oztorch


def _dtype_name(dtype):
    """'float32' for torch.float32 (also if a dtype ever printed as 'oztorch.float32')."""
    return str(dtype).rsplit(".", 1)[-1]


# ---------------------------------------------------------------------------------------------
# Reading the values to show


class _Elided(object):
    """Marks where a summarised dim leaves entries out (printed as '...')."""

    __slots__ = ()


_ELIDED = _Elided()


def _read_values(t, summarize, edge):
    """Nested lists of Python scalars, with _ELIDED where a summarised dim is cut."""
    shape = tuple(t.shape)
    if not summarize or all(n <= 2 * edge for n in shape):
        return t.tolist()
    return _read_summary(t, shape, edge)


def _read_summary(t, shape, edge):
    n = shape[0]
    inner = shape[1:]
    inner_cut = any(m > 2 * edge for m in inner)
    if n <= 2 * edge:
        if not inner_cut:
            return t.tolist()
        return [_read_summary(t[i], inner, edge) for i in range(n)]
    # PyTorch shows self[:edge] and self[-edge:]; with edge == 0 the latter is the whole dim.
    tail_start = n - edge if edge > 0 else 0
    if not inner_cut:
        return t[:edge].tolist() + [_ELIDED] + t[tail_start:].tolist()
    head = [_read_summary(t[i], inner, edge) for i in range(edge)]
    tail = [_read_summary(t[i], inner, edge) for i in range(n - edge, n)]
    return head + [_ELIDED] + tail


def _leaves(data, dim):
    """The scalars of a nested list of depth dim, skipping _ELIDED markers."""
    if dim == 0:
        yield data
    elif dim == 1:
        for v in data:
            if v is not _ELIDED:
                yield v
    else:
        for sub in data:
            if sub is not _ELIDED:
                yield from _leaves(sub, dim - 1)


# ---------------------------------------------------------------------------------------------
# Formatting scalars


class _Formatter(object):
    """Chooses one style and width for all values of a tensor (see the module docstring)."""

    def __init__(self, values, floating):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = PRINT_OPTS.precision

        if not floating:
            for v in values:
                self.max_width = max(self.max_width, len(str(v)))
            # (the sci_mode option is recorded but never used for non-floating values)
            if PRINT_OPTS.sci_mode is not None:
                self.sci_mode = PRINT_OPTS.sci_mode
            return

        finite = [v for v in values if v != 0 and math.isfinite(v)]
        if not finite:
            return  # nothing to size: PyTorch keeps int mode and ignores the sci_mode option
        mags = [abs(v) for v in finite]
        lo, hi = min(mags), max(mags)
        self.int_mode = all(float(v).is_integer() for v in finite)

        if self.int_mode:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8
            if self.sci_mode:
                widths = (len("{:.{}e}".format(v, precision)) for v in finite)
            else:
                # int mode prints a trailing '.' to show the dtype is floating
                widths = (len("{:.0f}".format(v)) + 1 for v in finite)
        else:
            self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
            if self.sci_mode:
                widths = (len("{:.{}e}".format(v, precision)) for v in finite)
            else:
                widths = (len("{:.{}f}".format(v, precision)) for v in finite)
        self.max_width = max(self.max_width, max(widths))

        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode

    def width(self):
        return self.max_width

    def format(self, value):
        if not self.floating:
            s = str(value)
        elif self.sci_mode:
            s = "{:{}.{}e}".format(value, self.max_width, PRINT_OPTS.precision)
        elif self.int_mode:
            s = "{:.0f}".format(value)
            if math.isfinite(value):
                s += "."
        else:
            s = "{:.{}f}".format(value, PRINT_OPTS.precision)
        return s.rjust(self.max_width)


class _ComplexFormatter(object):
    """Real and imaginary parts each get their own _Formatter, as in PyTorch."""

    def __init__(self, values):
        values = list(values)
        self.real = _Formatter([complex(v).real for v in values], True)
        self.imag = _Formatter([complex(v).imag for v in values], True)

    def width(self):
        # real part, imaginary part and the 'j'
        return self.real.width() + self.imag.width() + 1

    def format(self, value):
        value = complex(value)
        real = self.real.format(value.real)
        imag = (self.imag.format(value.imag) + "j").lstrip()
        if imag[0] in "+-":  # also covers -0.0
            return real + imag
        return real + "+" + imag


# ---------------------------------------------------------------------------------------------
# Laying out the nested brackets


def _vector_str(row, indent, fmt):
    item_len = fmt.width() + 2  # ", " between items
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / item_len)))
    items = [" ..." if v is _ELIDED else fmt.format(v) for v in row]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nested_str(data, dim, indent, fmt):
    if dim == 0:
        return fmt.format(data)
    if dim == 1:
        return _vector_str(data, indent, fmt)
    parts = ["..." if sub is _ELIDED else _nested_str(sub, dim - 1, indent + 1, fmt)
             for sub in data]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(parts) + "]"


def _tensor_str(t, indent):
    """The bracketed contents of a non-empty tensor, indented for a prefix of indent chars."""
    if t.numel() == 0:
        return "[]"
    summarize = t.numel() > PRINT_OPTS.threshold
    data = _read_values(t, summarize, PRINT_OPTS.edgeitems)
    dim = t.dim()
    if getattr(t.dtype, "is_complex", False):
        fmt = _ComplexFormatter(_leaves(data, dim))
    else:
        fmt = _Formatter(_leaves(data, dim), bool(t.dtype.is_floating_point))
    return _nested_str(data, dim, indent, fmt)


def _add_suffixes(text, suffixes, indent, force_newline=False):
    parts = [text]
    # (PyTorch's measure: two more than the last line's length; kept for identical wrapping)
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _grad_fn_name(grad_fn):
    name_fn = getattr(grad_fn, "name", None)
    name = name_fn() if callable(name_fn) else type(grad_fn).__name__
    return str(name).rsplit("::", 1)[-1]


def _str(self, *, tensor_contents=None):
    """repr(tensor) exactly as PyTorch prints it. tensor_contents replaces the bracketed part."""
    tm = _torch()
    plain_types = tuple(
        c for c in (getattr(tm, "Tensor", None),
                    getattr(getattr(tm, "nn", None), "Parameter", None))
        if isinstance(c, type)
    )
    is_plain = not plain_types or type(self) in plain_types
    prefix = "tensor(" if is_plain else type(self).__name__ + "("
    indent = len(prefix)
    suffixes = []

    # The device is shown for every tensor off the CPU. (PyTorch leaves it out when it equals
    # the default tensor type's device; for code moved to the GPU by torch.set_default_device or
    # OZTORCH_BACKEND=cuda it is shown, which is what we follow.)
    device = getattr(self, "device", None)
    if device is not None and getattr(device, "type", "cpu") != "cpu":
        suffixes.append("device='" + str(device) + "'")

    dtype = self.dtype
    name = _dtype_name(dtype)
    default_name = _dtype_name(tm.get_default_dtype())
    default_complex = "complex128" if default_name == "float64" else "complex64"

    if self.numel() == 0:
        # like NumPy, the shape is printed unless it is (0,); with no values to infer the dtype
        # from, any dtype but the default float one is printed (int64 too)
        if self.dim() != 1:
            suffixes.append("size=" + str(tuple(self.shape)))
        if name != default_name:
            suffixes.append("dtype=" + str(dtype))
        text = "[]" if tensor_contents is None else tensor_contents
    else:
        if name not in (default_name, default_complex, "int64", "bool"):
            suffixes.append("dtype=" + str(dtype))
        text = _tensor_str(self, indent) if tensor_contents is None else tensor_contents

    grad_fn = getattr(self, "grad_fn", None)
    if grad_fn is not None:
        suffixes.append("grad_fn=<" + _grad_fn_name(grad_fn) + ">")
    elif getattr(self, "requires_grad", False):
        suffixes.append("requires_grad=True")

    result = _add_suffixes(prefix + text, suffixes, indent)

    # A Parameter subclass prints wrapped (nn.Parameter's own repr handles the plain one)
    parameter = getattr(getattr(tm, "nn", None), "Parameter", None)
    if not is_plain and isinstance(parameter, type) and isinstance(self, parameter):
        result = "Parameter(" + result + ")"
    return result
