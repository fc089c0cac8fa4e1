"""torch.return_types: the named tuples PyTorch returns from ops with several results
(``torch.max(x, 1)`` gives ``torch.return_types.max(values=..., indices=...)``).

PyTorch makes them C structseq types; here each is a small tuple subclass with the same
behaviour: indexing and unpacking as a tuple, fields by name (read-only), ``n_fields``, the
constructor taking one sequence of the right length, PyTorch's repr, pickling. The ``_out``
variants are what the out= forms return. Ops in C fetch the classes from this module by name.
"""
import operator as _operator

__all__ = []


def _structseq(name, fields):
    """A tuple subclass named `name` with read-only fields, as torch.return_types.<name>."""
    n = len(fields)

    def __new__(cls, sequence):
        seq = tuple(sequence)
        if len(seq) != n:
            raise TypeError("torch.return_types.%s() takes a %d-sequence (%d-sequence given)"
                            % (name, n, len(seq)))
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join("%s=%r" % (f, v) for f, v in zip(fields, self))
        return "torch.return_types.%s(\n%s)" % (name, body)

    def __reduce__(self):
        return (type(self), (tuple(self),))

    namespace = {
        "__slots__": (),
        "__new__": __new__,
        "__repr__": __repr__,
        "__str__": __repr__,
        "__reduce__": __reduce__,
        "__module__": __name__,
        "__doc__": "%s(%s): a named tuple, as torch.return_types.%s" % (
            name, ", ".join(fields), name),
        "n_fields": n,
        "n_sequence_fields": n,
        "n_unnamed_fields": 0,
    }
    for i, f in enumerate(fields):
        namespace[f] = property(_operator.itemgetter(i), doc="field %d of %s" % (i, name))
    return type(name, (tuple,), namespace)


# name -> fields, as PyTorch 1.13 defines them; each also gets its `<name>_out` twin.
_FIELDS = {
    "max": ("values", "indices"),
    "min": ("values", "indices"),
    "sort": ("values", "indices"),
    "topk": ("values", "indices"),
    "kthvalue": ("values", "indices"),
    "mode": ("values", "indices"),
    "median": ("values", "indices"),
    "nanmedian": ("values", "indices"),
    "cummax": ("values", "indices"),
    "cummin": ("values", "indices"),
    "aminmax": ("min", "max"),
    "frexp": ("mantissa", "exponent"),
    "histogram": ("hist", "bin_edges"),
    "geqrf": ("a", "tau"),
    "qr": ("Q", "R"),
    "svd": ("U", "S", "V"),
    "slogdet": ("sign", "logabsdet"),
    "triangular_solve": ("solution", "cloned_coefficient"),
    "lu_unpack": ("P", "L", "U"),
    "linalg_qr": ("Q", "R"),
    "linalg_svd": ("U", "S", "Vh"),
    "linalg_slogdet": ("sign", "logabsdet"),
    "linalg_eig": ("eigenvalues", "eigenvectors"),
    "linalg_eigh": ("eigenvalues", "eigenvectors"),
    "linalg_inv_ex": ("inverse", "info"),
    "linalg_cholesky_ex": ("L", "info"),
    "linalg_lu": ("P", "L", "U"),
    "linalg_lu_factor": ("LU", "pivots"),
    "linalg_lu_factor_ex": ("LU", "pivots", "info"),
    "linalg_lstsq": ("solution", "residuals", "rank", "singular_values"),
    "linalg_solve_ex": ("result", "info"),
    "linalg_ldl_factor": ("LD", "pivots"),
    "linalg_ldl_factor_ex": ("LD", "pivots", "info"),
}

for _name, _fields in _FIELDS.items():
    for _n in (_name, _name + "_out"):
        globals()[_n] = _structseq(_n, _fields)
        __all__.append(_n)
del _name, _fields, _n
