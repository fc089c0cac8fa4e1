"""torch.save / torch.load in PyTorch's zip format, so files travel both ways between oztorch
and PyTorch (1.6 and later, 2.x included).

A file is a zip archive (entries stored uncompressed, each aligned to 64 bytes) whose records
sit in one folder named after the file (``archive`` for file objects):
    <name>/data.pkl    the object, pickled (protocol 2 by default). A tensor is the call
                       torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
                       requires_grad, OrderedDict()); a storage is the persistent id
                       ('storage', torch.FloatStorage, key, location, numel).
    <name>/byteorder   "little"
    <name>/data/<key>  the raw bytes of one storage, saved once however many views share it
    <name>/version     "3"
The pickle names PyTorch's globals (torch._utils._rebuild_tensor_v2, torch.FloatStorage, ...)
so PyTorch can load oztorch's files; loading maps those names back to oztorch's objects.

``load`` defaults to ``weights_only=True`` (PyTorch 2.6's default): a restricted reader that
builds only tensors, storages, containers and plain values (_weights_only_unpickler.py).
``weights_only=False`` runs full pickle, which can execute arbitrary code: use it only on
files you trust.
"""
import collections
import contextlib
import io
import os
import pickle
import secrets
import stat
import struct
import sys
import zipfile
import zlib
from array import array

from . import _C
from . import storage as _storage
from ._rebuild import (_rebuild_from_type_v2, _rebuild_parameter,
                       _rebuild_parameter_with_state, _rebuild_tensor, _rebuild_tensor_v2,
                       _rebuild_tensor_v3, resolve_torch_global, torch_names)
from ._size import Size
from ._torch_pickler import SavedStorages, pickle_with_torch_names
from ._weights_only_unpickler import WeightsOnlyUnpickler

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2
_FORMAT_VERSION = b"3\n"  # PyTorch's serialization format version (1.6 .. 2.x)
_RECORD_ALIGNMENT = 64  # PyTorch aligns each record's data so that it can be memory-mapped
_ZIP_LOCAL_MAGIC = b"PK\x03\x04"
# A legacy (pre-1.6) file starts with this number, pickled at protocol 2.
_LEGACY_MAGIC_PICKLE = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)[:-1]


# ============================ save ============================

class _CountingWriter:
    """Forwards writes to a file object and counts the bytes. Having tell() but no seek(),
    it makes zipfile write sequentially (with data descriptors, as PyTorch's writer does)
    while telling us each record's offset in the archive, which alignment needs."""

    def __init__(self, file):
        self._file = file
        self.offset = 0

    def write(self, data):
        self._file.write(data)
        self.offset += len(data)
        return len(data)

    def tell(self):
        return self.offset

    def flush(self):
        flush = getattr(self._file, "flush", None)
        if flush is not None:
            flush()


def _write_record(zip_file, out, name, data):
    """Adds one uncompressed record, padding its local header (an extra field with PyTorch's
    'FB' id) so that the data starts at a multiple of _RECORD_ALIGNMENT."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(name.encode("utf-8")) + 4  # fixed part, name, our extra field's header
    if len(data) * 1.05 > zipfile.ZIP64_LIMIT:  # zipfile then adds a 20-byte zip64 field
        header += 20
    padding = -(out.offset + header) % _RECORD_ALIGNMENT
    info.extra = struct.pack("<HH", 0x4246, padding) + b"Z" * padding
    zip_file.writestr(info, data)


def _write_archive(file, archive_name, pickled, storages, byteorder_record):
    out = _CountingWriter(file)
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_STORED,
                         allowZip64=True) as zip_file:
        _write_record(zip_file, out, f"{archive_name}/data.pkl", pickled)
        if byteorder_record:
            _write_record(zip_file, out, f"{archive_name}/byteorder", sys.byteorder.encode())
        for saved in storages.in_order:
            _write_record(zip_file, out, f"{archive_name}/data/{saved.key}", saved.raw_bytes())
        _write_record(zip_file, out, f"{archive_name}/version", _FORMAT_VERSION)
    out.flush()


def _archive_name(path):
    """The folder PyTorch names the records after: the file name without its last suffix
    ('model' for 'dir/model.pt'); 'archive' when that is empty or not ASCII."""
    base = os.path.basename(path)
    stem = base[:base.rfind(".")] if "." in base else base
    return stem if stem and stem.isascii() else "archive"


def _create_temp_beside(path):
    """A new, empty file in path's directory, created with the permissions open() would give
    (0o666 less the umask); returns (fd, temp_path)."""
    directory, base = os.path.split(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    while True:
        temp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue


def _write_file_atomically(path, write):
    """Calls write(file) on a temporary file beside `path`, then renames it over `path`: a
    reader sees the old file or the new one, never a partial one; on error nothing changes."""
    path = os.path.realpath(path)  # replace a symlink's target, not the link
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        raise RuntimeError(f"Parent directory {directory} does not exist.")
    if os.path.isdir(path):
        raise IsADirectoryError(21, "Is a directory", path)
    fd, temp = _create_temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):  # keep an existing file's permissions
            os.chmod(temp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=pickle, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Saves `obj` to `f` (a path or a writable binary file object) in PyTorch's zip format.

    Tensors keep dtype, shape, strides, storage offset and requires_grad; views of one storage
    are saved as one storage and share it again after loading. A path is written atomically
    (temporary file + rename), so an error leaves any previous file untouched."""
    if not _use_new_zipfile_serialization:
        raise ValueError("oztorch.save writes only the zip format (PyTorch's default since "
                         "1.6); the legacy format (_use_new_zipfile_serialization=False) is "
                         "not supported")
    if not _is_path(f) and not hasattr(f, "write"):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a "
                             "'write' attribute")
    storages = SavedStorages()
    pickled = pickle_with_torch_names(obj, storages, pickle_module, pickle_protocol)

    def write(file, archive_name):
        _write_archive(file, archive_name, pickled, storages, not _disable_byteorder_record)

    if _is_path(f):
        path = os.fsdecode(os.fspath(f))
        _write_file_atomically(path, lambda file: write(file, _archive_name(path)))
    else:
        write(f, "archive")


# ============================ load ============================

class _ArchiveReader:
    """The records of a PyTorch zip archive, named relative to its one top folder."""

    def __init__(self, zip_file, file):
        self._zip = zip_file
        self._file = file
        names = zip_file.namelist()
        if not names:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: the archive "
                               "is empty")
        prefix, slash, _ = names[0].partition("/")
        if not slash:
            raise RuntimeError("PytorchStreamReader failed reading zip archive: file in "
                               f"archive is not in a subdirectory: {names[0]}")
        self._prefix = prefix + "/"
        self._names = set(names)

    def has(self, record):
        return self._prefix + record in self._names

    def read(self, record):
        if not self.has(record):
            raise RuntimeError(f"PytorchStreamReader failed locating file {record}: file not "
                               "found")
        info = self._zip.getinfo(self._prefix + record)
        try:
            if info.compress_type != zipfile.ZIP_STORED:
                return self._zip.read(info)
            return self._read_stored(info)
        except (zipfile.BadZipFile, zlib.error) as e:
            raise RuntimeError(f"PytorchStreamReader failed reading file {record}: {e}") from None

    def _read_stored(self, info):
        """An uncompressed record's bytes, read in place. Like PyTorch, this skips the CRC
        check: PyTorch 2 may write archives without CRCs (serialization.set_crc32_options)."""
        self._file.seek(info.header_offset)
        header = self._file.read(30)
        if len(header) != 30 or not header.startswith(_ZIP_LOCAL_MAGIC):
            raise zipfile.BadZipFile("bad local file header")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        self._file.seek(info.header_offset + 30 + name_len + extra_len)
        data = self._file.read(info.file_size)
        if len(data) != info.file_size:
            raise zipfile.BadZipFile("the record is truncated")
        return data


def _byteswapped(data, itemsize):
    """Storage bytes written on a machine of the other byte order, in ours."""
    if itemsize == 1:
        return data
    code = {2: "H", 4: "I", 8: "Q"}[itemsize]
    values = array(code)
    values.frombytes(data)
    values.byteswap()
    return values.tobytes()


class _StorageReader:
    """Reads each storage record once, when the pickle first names it, and puts it where the
    map_location says."""

    def __init__(self, archive, restore_location):
        self._archive = archive
        self._restore_location = restore_location
        self._loaded = {}
        # Files from PyTorch < 2.1 have no byteorder record: their bytes are in our order.
        byteorder = archive.read("byteorder").decode() if archive.has("byteorder") else None
        if byteorder not in (None, "little", "big"):
            raise RuntimeError(f"Unknown endianness type: {byteorder}")
        self._swap = byteorder is not None and byteorder != sys.byteorder

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5):
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        typename, storage_type, key, location, numel = (
            item.decode("ascii") if isinstance(item, bytes) else item for item in pid)
        if typename != "storage":
            raise pickle.UnpicklingError("Unknown typename for persistent_load, expected "
                                         f"'storage' but got '{typename}'")
        if not (isinstance(storage_type, type) and issubclass(storage_type,
                                                              _storage._StorageType)):
            raise pickle.UnpicklingError(f"unknown storage type {storage_type!r}")
        if type(key) is not str or type(location) is not str or type(numel) is not int \
                or numel < 0:
            raise pickle.UnpicklingError(f"malformed storage id {pid!r}")
        if key not in self._loaded:
            self._loaded[key] = self._read(storage_type.dtype, key, location, numel)
        return self._loaded[key]

    def _read(self, dtype, key, location, numel):
        data = self._archive.read(f"data/{key}")
        nbytes = numel * dtype.itemsize
        if len(data) < nbytes:
            raise RuntimeError(f"storage data/{key} holds {len(data)} bytes, but the file says "
                               f"{numel} elements of {dtype} ({nbytes} bytes)")
        data = memoryview(data)[:nbytes]
        if self._swap:
            data = _byteswapped(data, dtype.itemsize)
        storage = _storage.TypedStorage(_C._storage_from_buffer(data), dtype)
        restored = self._restore_location(storage, location)
        if not isinstance(restored, _storage.TypedStorage):
            raise TypeError("map_location must return a storage or None, not "
                            f"{type(restored).__name__}")
        return restored


def _default_restore_location(storage, location):
    """Puts a CPU storage on the device a location tag ('cpu', 'cuda', 'cuda:1') names."""
    if not isinstance(location, str):
        raise TypeError(f"location must be a str, not {type(location).__name__}")
    if location == "cpu":
        return storage
    if location == "cuda" or location.startswith("cuda:"):
        index = _C.device(location).index or 0
        count = _C._device_count("cuda")
        if count == 0:
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but "
                "torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
                "please use torch.load with map_location=torch.device('cpu') to map your "
                "storages to the CPU.")
        if index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {index} but "
                f"torch.cuda.device_count() is {count}. Please use torch.load with "
                "map_location to map your storages to an existing device.")
        return storage.cuda(index)
    raise RuntimeError("don't know how to restore data location of torch.storage.TypedStorage "
                       f"(tagged with {location})")


def _restore_location_for(map_location):
    """map_location (None, a str, a device, a dict or a callable) as f(storage, location)."""
    if map_location is None:
        return _default_restore_location
    if isinstance(map_location, (str, bytes, _C.device)):
        target = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
        return lambda storage, location: _default_restore_location(storage, target)
    if isinstance(map_location, dict):
        def restore(storage, location):
            target = map_location.get(location, location)
            return _default_restore_location(
                storage, str(target) if isinstance(target, _C.device) else target)
        return restore
    if callable(map_location):
        def restore(storage, location):
            result = map_location(storage, location)
            return _default_restore_location(storage, location) if result is None else result
        return restore
    raise TypeError("map_location must be None, a str, a torch.device, a dict or a callable, "
                    f"not {type(map_location).__name__}")


# ---- weights_only: what a file may name ----
_user_safe_globals = []


def add_safe_globals(safe_globals):
    """Trusts these globals in weights_only loads: classes or functions, or (obj, "module.name")
    pairs for objects saved under another name."""
    _user_safe_globals.extend(safe_globals)


def get_safe_globals():
    return list(_user_safe_globals)


def clear_safe_globals():
    _user_safe_globals.clear()


class safe_globals:
    """Context manager: add_safe_globals for the duration of a `with` block."""

    def __init__(self, safe_globals):
        self._globals = list(safe_globals)

    def __enter__(self):
        self._previous = list(_user_safe_globals)
        add_safe_globals(self._globals)

    def __exit__(self, *exc):
        _user_safe_globals[:] = self._previous


def _user_allowed_globals():
    allowed = {}
    for entry in _user_safe_globals:
        if isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str):
            obj, full_name = entry
            module, _, name = full_name.rpartition(".")
        else:
            obj, module, name = entry, getattr(entry, "__module__", ""), entry.__qualname__
        allowed[(module, name)] = obj
        if module == "oztorch" or module.startswith("oztorch."):  # the name PyTorch writes
            allowed[("torch" + module[len("oztorch"):], name)] = obj
    return allowed


# Protocols < 3 pickle bytes as _codecs.encode(str, 'latin1') (b'' as bytes()) and bytearrays
# as bytearray(<those bytes>); these stand-ins allow exactly those calls, so a file cannot,
# say, ask for bytes(10**12).
def _encode_latin1(text, encoding="latin1", errors="strict"):
    if type(text) is not str or encoding not in ("latin1", "latin-1") or errors != "strict":
        raise pickle.UnpicklingError("_codecs.encode is allowed only to rebuild bytes, as "
                                     "_codecs.encode(str, 'latin1')")
    return text.encode("latin1")


def _empty_bytes(*args):
    if args:
        raise pickle.UnpicklingError("builtins.bytes is allowed only as bytes()")
    return b""


def _bytearray_latin1(*args):
    if len(args) == 1 and type(args[0]) is bytes:
        return bytearray(args[0])
    return bytearray(_encode_latin1(*args) if args else b"")


def _weights_only_globals():
    """(allowed {(module, name): obj}, objects REDUCE/NEWOBJ may call, trusted classes)."""
    allowed = torch_names()
    allowed.update({
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("builtins", "set"): set,
        ("builtins", "frozenset"): frozenset,
        ("builtins", "complex"): complex,
        ("builtins", "bytes"): _empty_bytes,
        ("builtins", "bytearray"): _bytearray_latin1,
        ("_codecs", "encode"): _encode_latin1,
    })
    user = _user_allowed_globals()
    allowed.update(user)
    callables = [collections.OrderedDict, set, frozenset, complex, _empty_bytes,
                 _bytearray_latin1, _encode_latin1, Size, _C.device,
                 _rebuild_tensor, _rebuild_tensor_v2, _rebuild_tensor_v3, _rebuild_parameter,
                 _rebuild_parameter_with_state, _rebuild_from_type_v2]
    callables += user.values()
    trusted = [obj for obj in user.values() if isinstance(obj, type)]
    return allowed, callables, trusted


def _unsupported_global_message(module, name):
    return (f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by default. "
            f"Please use `torch.serialization.add_safe_globals([{name}])` or the "
            f"`torch.serialization.safe_globals([{name}])` context manager to allowlist this "
            "global if you trust this class/function.")


def _weights_only_failed(detail):
    return ("Weights only load failed. This file can still be loaded with "
            "`weights_only=False`, but do that only if you trust the source of the file: "
            "full unpickling can run arbitrary code.\nWeightsUnpickler error: " + detail)


def _load_weights_only(pickled, storages, encoding, errors):
    allowed, callables, trusted = _weights_only_globals()

    def find_global(module, name):
        obj = allowed.get((module, name), allowed)
        if obj is allowed:
            raise pickle.UnpicklingError(_unsupported_global_message(module, name))
        return obj

    unpickler = WeightsOnlyUnpickler(pickled, find_global=find_global, callables=callables,
                                     trusted_types=trusted,
                                     persistent_load=storages.persistent_load,
                                     encoding=encoding, errors=errors)
    try:
        return unpickler.load()
    except pickle.UnpicklingError as e:
        raise pickle.UnpicklingError(_weights_only_failed(str(e))) from None


def _load_full(pickled, storages, pickle_module, load_args):
    names = torch_names()

    class Unpickler(pickle_module.Unpickler):
        def find_class(self, module, name):
            obj = resolve_torch_global(module, name, names)
            return super().find_class(module, name) if obj is None else obj

    unpickler = Unpickler(io.BytesIO(pickled), **load_args)
    unpickler.persistent_load = storages.persistent_load
    return unpickler.load()


@contextlib.contextmanager
def _opened_for_reading(f):
    if _is_path(f):
        with open(f, "rb") as file:
            yield file
        return
    try:
        f.seek(f.tell())
    except (AttributeError, io.UnsupportedOperation) as e:
        e.args = (f"{e}. You can only torch.load from a file that is seekable. Please pre-load "
                  "the data into a buffer like io.BytesIO and try to load from it instead.",)
        raise
    yield f


def _check_zip(file):
    """Raises a clear error unless `file` (at its current position) holds a zip archive."""
    start = file.tell()
    head = file.read(len(_LEGACY_MAGIC_PICKLE))
    file.seek(start)
    if head.startswith(_ZIP_LOCAL_MAGIC):
        return
    if not head:
        raise EOFError("Ran out of input")
    if head == _LEGACY_MAGIC_PICKLE:
        raise RuntimeError(
            "This file uses PyTorch's legacy (pre-1.6) format, which oztorch.load does not "
            "read. Load it with PyTorch and save it again with torch.save's default "
            "(zip) format.")
    raise pickle.UnpicklingError(
        f"invalid load key, {head[:1]!r}: not a file written by torch.save (expected a zip "
        "archive)")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Loads an object saved by torch.save (oztorch's or PyTorch's, zip format).

    weights_only=True (the default) builds only tensors, storages, dicts, lists, tuples, sets,
    primitive values, dtypes, devices and sizes, plus classes trusted with add_safe_globals;
    anything else fails with pickle.UnpicklingError and runs nothing. weights_only=False
    unpickles anything: it can execute arbitrary code, so use it only on trusted files.
    map_location: None (where saved), a device or str, a {saved: target} dict, or a callable
    f(storage, location) returning a storage or None. mmap is accepted for compatibility;
    the storages are always read into memory."""
    if weights_only is None:
        weights_only = True
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                           "specified")
    if mmap and not _is_path(f):
        raise ValueError("f must be a file path in order to use the mmap argument")
    restore_location = _restore_location_for(map_location)
    pickle_load_args.setdefault("encoding", "utf-8")
    with _opened_for_reading(f) as file:
        _check_zip(file)
        try:
            zip_file = zipfile.ZipFile(file)
        except zipfile.BadZipFile as e:
            raise RuntimeError(f"PytorchStreamReader failed reading zip archive: {e}") from None
        with zip_file:
            archive = _ArchiveReader(zip_file, file)
            if archive.has("constants.pkl"):
                raise RuntimeError("this file is a TorchScript archive (torch.jit.save), which "
                                   "oztorch cannot load")
            pickled = archive.read("data.pkl")
            storages = _StorageReader(archive, restore_location)
            if weights_only:
                return _load_weights_only(pickled, storages, pickle_load_args["encoding"],
                                          pickle_load_args.get("errors", "strict"))
            return _load_full(pickled, storages, pickle_module or pickle, pickle_load_args)
