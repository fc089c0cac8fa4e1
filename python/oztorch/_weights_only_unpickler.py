"""The pickle reader behind ``torch.load(weights_only=True)``: plain data and tensors only.

Restricting ``pickle.Unpickler.find_class`` is not enough on its own: the BUILD, NEWOBJ, APPEND
and SETITEM opcodes still call methods (``__setstate__``, ``setattr``, ``append``) of whatever
object they are given, so a crafted file could, say, set attributes on an allowed class. This
reader decodes the opcodes with ``pickletools`` and executes them itself, giving each only the
narrow meaning plain data needs:
- GLOBAL resolves a name only through the caller's ``find_global`` (an allowlist);
- REDUCE and NEWOBJ call only objects the caller lists as callable;
- APPEND(S) and SETITEM(S) touch only lists, dicts and instances of the classes the caller
  trusts; BUILD only sets attributes of an OrderedDict (state_dict's _metadata) or of a
  trusted instance;
- anything else (INST, OBJ, EXT*, out-of-band buffers) is refused.
Every refusal is a ``pickle.UnpicklingError``.
"""
import collections
import pickle
import pickletools

_STRING_OPS = {"STRING", "BINSTRING", "SHORT_BINSTRING"}  # Python 2 `str`: bytes on disk
_PUSH_ARG_OPS = {
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4", "FLOAT", "BINFLOAT",
    "UNICODE", "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8",
    "BINBYTES", "SHORT_BINBYTES", "BINBYTES8", "BYTEARRAY8",
}
_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}


class WeightsOnlyUnpickler:
    """Reads one pickle from bytes.

    find_global(module, name): the object a GLOBAL names, or UnpicklingError.
    callables: objects REDUCE may call and NEWOBJ may instantiate (matched by identity).
    trusted_types: classes whose instances BUILD, APPEND and SETITEM may act on.
    persistent_load(pid): the object a persistent id stands for (a storage).
    encoding, errors: how Python 2 `str` objects are decoded ('bytes' keeps them bytes).
    """

    def __init__(self, data, *, find_global, callables, trusted_types, persistent_load,
                 encoding="utf-8", errors="strict"):
        self._data = data
        self._find_global = find_global
        self._callables = {id(c): c for c in callables}
        self._trusted_types = tuple(trusted_types)
        self._persistent_load = persistent_load
        self._encoding = encoding
        self._errors = errors

    def load(self):
        try:
            ops = list(pickletools.genops(self._data))
        except ValueError as e:  # truncated, unknown opcode, malformed argument
            raise pickle.UnpicklingError(f"malformed pickle data: {e}") from None
        self._stack, self._marks, self._memo = [], [], {}
        for opcode, arg, _ in ops:
            name = opcode.name
            if name == "STOP":
                return self._pop()
            self._execute(name, arg)
        raise pickle.UnpicklingError("pickle data ended before STOP")

    # ---- stack helpers ----
    def _push(self, value):
        self._stack.append(value)  # looked up at each call: MARK and _pop_mark swap stacks

    def _pop(self):
        if not self._stack:
            raise pickle.UnpicklingError("unpickling stack underflow")
        return self._stack.pop()

    def _top(self):
        if not self._stack:
            raise pickle.UnpicklingError("unpickling stack underflow")
        return self._stack[-1]

    def _pop_mark(self):
        """The items pushed since the last MARK (and drops that MARK)."""
        if not self._marks:
            raise pickle.UnpicklingError("could not find MARK")
        items = self._stack
        self._stack = self._marks.pop()
        return items

    def _execute(self, name, arg):
        push = self._push
        if name in _PUSH_ARG_OPS:
            push(arg)
        elif name in _CONSTANTS:
            push(_CONSTANTS[name])
        elif name in _STRING_OPS:
            raw = arg.encode("latin-1")  # pickletools decoded the bytes as latin-1
            push(raw if self._encoding == "bytes" else raw.decode(self._encoding, self._errors))
        elif name in ("PROTO", "FRAME"):
            if name == "PROTO" and not 0 <= arg <= pickle.HIGHEST_PROTOCOL:
                raise pickle.UnpicklingError(f"unsupported pickle protocol: {arg}")
        elif name == "MARK":
            self._marks.append(self._stack)
            self._stack = []
        elif name == "POP":
            if self._stack:
                self._stack.pop()
            else:
                self._pop_mark()
        elif name == "POP_MARK":
            self._pop_mark()
        elif name == "DUP":
            push(self._top())
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            self._memo[arg] = self._top()
        elif name == "MEMOIZE":
            self._memo[len(self._memo)] = self._top()
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            if arg not in self._memo:
                raise pickle.UnpicklingError(f"Memo value not found at index {arg}")
            push(self._memo[arg])
        else:
            self._execute_container_or_call(name, arg)

    def _execute_container_or_call(self, name, arg):
        push = self._push
        if name == "EMPTY_TUPLE":
            push(())
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            if len(self._stack) < n:
                raise pickle.UnpicklingError("unpickling stack underflow")
            items = tuple(self._stack[-n:])
            del self._stack[-n:]
            push(items)
        elif name == "TUPLE":
            push(tuple(self._pop_mark()))
        elif name == "EMPTY_LIST":
            push([])
        elif name == "LIST":
            push(self._pop_mark())
        elif name == "APPEND":
            value = self._pop()
            self._extend(self._top(), [value])
        elif name == "APPENDS":
            items = self._pop_mark()
            self._extend(self._top(), items)
        elif name == "EMPTY_DICT":
            push({})
        elif name == "DICT":
            items = self._pop_mark()
            if len(items) % 2:
                raise pickle.UnpicklingError("odd number of items for DICT")
            push(dict(zip(items[::2], items[1::2])))
        elif name == "SETITEM":
            value = self._pop()
            key = self._pop()
            self._set_items(self._top(), [key, value])
        elif name == "SETITEMS":
            items = self._pop_mark()
            self._set_items(self._top(), items)
        elif name == "EMPTY_SET":
            push(set())
        elif name == "ADDITEMS":
            items = self._pop_mark()
            target = self._top()
            if type(target) is not set:
                raise pickle.UnpicklingError(f"ADDITEMS on a {type(target).__name__}")
            target.update(items)
        elif name == "FROZENSET":
            push(frozenset(self._pop_mark()))
        elif name == "GLOBAL":
            module, _, qualname = arg.partition(" ")
            push(self._global(module, qualname))
        elif name == "STACK_GLOBAL":
            qualname, module = self._pop(), self._pop()
            if type(module) is not str or type(qualname) is not str:
                raise pickle.UnpicklingError("STACK_GLOBAL requires str")
            push(self._global(module, qualname))
        elif name == "REDUCE":
            args = self._pop()
            func = self._pop()
            push(self._callable(func, "REDUCE")(*self._tuple(args)))
        elif name == "NEWOBJ":
            args = self._pop()
            cls = self._pop()
            push(self._class(cls).__new__(cls, *self._tuple(args)))
        elif name == "NEWOBJ_EX":
            kwargs, args, cls = self._pop(), self._pop(), self._pop()
            if type(kwargs) is not dict:
                raise pickle.UnpicklingError("NEWOBJ_EX keyword arguments must be a dict")
            push(self._class(cls).__new__(cls, *self._tuple(args), **kwargs))
        elif name == "BUILD":
            state = self._pop()
            self._build(self._top(), state)
        elif name == "PERSID":
            push(self._persistent_load(arg))
        elif name == "BINPERSID":
            push(self._persistent_load(self._pop()))
        else:  # INST, OBJ, EXT1/2/4, NEXT_BUFFER, READONLY_BUFFER
            raise pickle.UnpicklingError(f"Unsupported operand {name}")

    # ---- the checked operations ----
    def _global(self, module, qualname):
        if module == "__builtin__":  # Python 2 / protocol < 3 name of builtins
            module = "builtins"
        return self._find_global(module, qualname)

    def _callable(self, func, op):
        if id(func) not in self._callables:
            raise pickle.UnpicklingError(
                f"Trying to call {op} for unrecognized function {func!r}")
        return func

    def _class(self, cls):
        if not isinstance(cls, type):
            raise pickle.UnpicklingError(f"NEWOBJ of a non-class {cls!r}")
        return self._callable(cls, "NEWOBJ")

    @staticmethod
    def _tuple(args):
        if type(args) is not tuple:
            raise pickle.UnpicklingError(f"arguments must be a tuple, not {type(args).__name__}")
        return args

    def _trusted(self, obj):
        return isinstance(obj, self._trusted_types)

    def _extend(self, target, items):
        if type(target) is list:
            target.extend(items)
        elif self._trusted(target):
            extend = getattr(target, "extend", None)
            if extend is not None:
                extend(items)
            else:
                for item in items:
                    target.append(item)
        else:
            raise pickle.UnpicklingError(f"APPEND on a {type(target).__name__}")

    def _set_items(self, target, items):
        if type(target) not in (dict, collections.OrderedDict) and not self._trusted(target):
            raise pickle.UnpicklingError(f"SETITEM on a {type(target).__name__}")
        if len(items) % 2:
            raise pickle.UnpicklingError("odd number of items for SETITEMS")
        for i in range(0, len(items), 2):
            target[items[i]] = items[i + 1]

    def _build(self, inst, state):
        if type(inst) is collections.OrderedDict:  # state_dict()'s _metadata attribute
            if not isinstance(state, dict) or not all(type(k) is str for k in state):
                raise pickle.UnpicklingError("BUILD of an OrderedDict needs a dict of attributes")
            inst.__dict__.update(state)
            return
        if not self._trusted(inst):
            raise pickle.UnpicklingError(f"Unsupported operand BUILD on a {type(inst).__name__}")
        setstate = getattr(type(inst), "__setstate__", None)
        if setstate is not None and setstate is not getattr(object, "__setstate__", None):
            inst.__setstate__(state)
            return
        slots = None
        if isinstance(state, tuple) and len(state) == 2:
            state, slots = state
        if state:
            inst.__dict__.update(state)
        if slots:
            for key, value in slots.items():
                setattr(inst, key, value)
