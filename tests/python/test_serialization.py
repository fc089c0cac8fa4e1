"""torch.save / torch.load: files cross between oztorch and real PyTorch in both directions
(same process, same bytes), views keep sharing storage, weights_only refuses code, and saving
to a path is atomic."""
import collections
import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch

from conftest import check, oz

ALL_DTYPES = ["float32", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
              "float16", "bfloat16"]
# Element bits as an integer numpy type: compares values bit for bit (NaN, -0.0 included) and
# reaches float16/bfloat16, which numpy or oztorch may not compute with.
BITS = {1: np.uint8, 2: np.int16, 4: np.int32, 8: np.int64}


# ------------------------------------------------------------------ helpers

def torch_tensor(dtype, shape=(2, 3), seed=0):
    """A real torch tensor of every dtype with varied values (NaN, inf, -0.0 for floats)."""
    gen = torch.Generator().manual_seed(seed)
    n = int(np.prod(shape))
    if dtype == "bool":
        return (torch.randint(0, 2, (n,), generator=gen) == 1).reshape(shape)
    if dtype in ("float32", "float64", "float16", "bfloat16"):
        values = torch.randn(n, generator=gen, dtype=torch.float64) * 100
        specials = torch.tensor([float("nan"), float("inf"), -float("inf"), -0.0],
                                dtype=torch.float64)
        values[:min(4, n)] = specials[:min(4, n)]
        return values.to(getattr(torch, dtype)).reshape(shape)
    info = torch.iinfo(getattr(torch, dtype))
    values = torch.randint(-128 if info.min < 0 else 0, 128, (n,), generator=gen)
    if n >= 2:
        values[0], values[1] = info.min, info.max
    return values.to(getattr(torch, dtype)).reshape(shape)


def element_bits(t):
    """The elements of a tensor (torch or oztorch) as integer bits, in logical order."""
    width = t.element_size()
    module = torch if isinstance(t, torch.Tensor) else oz()
    as_int = getattr(module, {1: "uint8", 2: "int16", 4: "int32", 8: "int64"}[width])
    if t.dtype != module.bool and t.dtype != as_int:
        t = t.detach().view(as_int)  # same element size: a view, strides kept
    return np.asarray(t.tolist(), dtype=BITS[width]).reshape(tuple(t.shape))


def assert_same_tensor(got, ref, where="tensor"):
    """`got` (either library) holds exactly `ref`: dtype, shape, strides, offset, requires_grad
    and the bits of every element."""
    assert str(got.dtype) == str(ref.dtype), f"{where}: dtype {got.dtype}, expected {ref.dtype}"
    assert tuple(got.shape) == tuple(ref.shape), f"{where}: shape {tuple(got.shape)}"
    assert tuple(got.stride()) == tuple(ref.stride()), f"{where}: stride {got.stride()}"
    assert got.storage_offset() == ref.storage_offset(), f"{where}: storage offset"
    assert got.requires_grad == ref.requires_grad, f"{where}: requires_grad"
    assert np.array_equal(element_bits(got), element_bits(ref)), f"{where}: values differ"


def assert_same_tree(got, ref, where="result"):
    """Walks nested containers; tensors compare with assert_same_tensor, the rest with ==."""
    if isinstance(ref, (torch.Tensor, oz().Tensor)):
        assert isinstance(got, (torch.Tensor, oz().Tensor)), f"{where}: {type(got)}"
        assert_same_tensor(got, ref, where)
    elif isinstance(ref, dict):
        assert type(got).__name__ == type(ref).__name__, f"{where}: {type(got)}"
        assert list(got) == list(ref), f"{where}: keys {list(got)}"
        for key in ref:
            assert_same_tree(got[key], ref[key], f"{where}[{key!r}]")
    elif isinstance(ref, (list, tuple)):
        assert type(got) is type(ref) and len(got) == len(ref), f"{where}: {got!r}"
        for i, (g, r) in enumerate(zip(got, ref)):
            assert_same_tree(g, r, f"{where}[{i}]")
    else:
        assert type(got) is type(ref) and got == ref, f"{where}: {got!r} != {ref!r}"


def to_oz(t, storages=None):
    """The oztorch tensor with the same dtype, geometry and bits as torch tensor `t`. It copies
    t's whole storage; pass one `storages` dict for several tensors so that views of one torch
    storage become views of one oztorch storage."""
    T = oz()
    storage = t.detach().storage()
    storages = {} if storages is None else storages
    key = (storage.data_ptr(), str(t.dtype))
    if key not in storages:
        full = torch.empty(0, dtype=t.dtype).set_(storage, 0, (storage.size(),), (1,))
        if t.dtype == torch.bool:
            flat = T.from_numpy(full.numpy().copy())
        else:
            as_int = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
            flat = T.from_numpy(full.view(as_int[t.element_size()]).numpy().copy())
            flat = flat.view(getattr(T, str(t.dtype)[len("torch."):]))
        storages[key] = flat
    flat = storages[key]
    result = T._C._tensor_over_storage(flat, flat.dtype, t.storage_offset(), tuple(t.shape),
                                       t.stride())
    return result.requires_grad_(True) if t.requires_grad else result


def oz_save_bytes(obj, **kwargs):
    buf = io.BytesIO()
    oz().save(obj, buf, **kwargs)
    return buf.getvalue()


def torch_save_bytes(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    return buf.getvalue()


def layouts(t):
    """Contiguous and view layouts of a 2-d tensor: transposed, sliced with a step and an
    offset, broadcast (stride 0), a 0-d element, and empty slices."""
    return {
        "contiguous": t,
        "transposed": t.t(),
        "strided": t[1:, ::2],
        "expanded": t[:1].expand(3, t.shape[1]),
        "scalar": t[1, 2],
        "empty": t[2:2],
        "empty_columns": t[:, 4:],
    }


def make_zip(pickled, records=None, name="archive"):
    """A zip archive laid out like torch.save's, holding the given data.pkl and records."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(f"{name}/data.pkl", pickled)
        for key, data in (records or {}).items():
            z.writestr(f"{name}/{key}", data)
        z.writestr(f"{name}/version", b"3\n")
    return buf.getvalue()


# ------------------------------------------------------------------ tensors, both directions

@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_dtype_and_layout_torch_to_oztorch(dtype):
    T = oz()
    base = torch_tensor(dtype, (3, 4))
    ref = layouts(base)
    got = T.load(io.BytesIO(torch_save_bytes(ref)))
    assert_same_tree(got, ref)
    # Views of one storage still share it: one storage, offsets where torch put them.
    assert got["transposed"].data_ptr() == got["contiguous"].data_ptr()
    start = got["contiguous"].data_ptr()
    assert got["strided"].data_ptr() == start + 4 * base.element_size()


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_every_dtype_and_layout_oztorch_to_torch(dtype):
    ref = layouts(torch_tensor(dtype, (3, 4), seed=1))
    shared = {}
    mine = {name: to_oz(t, shared) for name, t in ref.items()}
    assert_same_tree(mine, ref)  # the inputs really are what torch has
    data = oz_save_bytes(mine)
    for weights_only in (False, True):  # True: our pickle uses only globals torch allows
        got = torch.load(io.BytesIO(data), weights_only=weights_only)
        assert_same_tree(got, ref)
        assert got["transposed"].data_ptr() == got["contiguous"].data_ptr()
    assert_same_tree(oz().load(io.BytesIO(data)), mine)


def test_views_share_storage_after_load_and_storage_saved_once():
    T = oz()
    x = T.arange(12.0).reshape(3, 4)
    data = oz_save_bytes({"x": x, "row": x[1], "col": x[:, 2], "t": x.t()})
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    for lib in (T, torch):
        got = lib.load(io.BytesIO(data))
        got["x"][1, 2] = 100.0  # in-place write is seen by every view of the storage
        assert got["row"][2].item() == 100.0
        assert got["col"][1].item() == 100.0
        assert got["t"][2, 1].item() == 100.0


def test_a_tensor_saved_twice_loads_as_one_object():
    for lib_save, lib_load in ((oz(), torch), (torch, oz()), (oz(), oz())):
        x = lib_save.ones(3)
        got = lib_load.load(io.BytesIO(_save(lib_save, [x, x, {"again": x}])))
        assert got[0] is got[1] and got[2]["again"] is got[0]


def _save(lib, obj, **kwargs):
    buf = io.BytesIO()
    lib.save(obj, buf, **kwargs)
    return buf.getvalue()


def test_requires_grad_and_parameters_cross_both_ways():
    T = oz()
    ref = {"leaf": torch.ones(2, 2, requires_grad=True),
           "param": torch.nn.Parameter(torch.full((3,), 0.5)),
           "frozen": torch.nn.Parameter(torch.zeros(2), requires_grad=False),
           "plain": torch.ones(2)}
    got = T.load(io.BytesIO(torch_save_bytes(ref)))
    assert_same_tree(got, ref)
    assert type(got["param"]) is T.nn.Parameter and type(got["frozen"]) is T.nn.Parameter
    assert type(got["leaf"]) is T.Tensor and got["leaf"].is_leaf

    back = torch.load(io.BytesIO(oz_save_bytes(got)), weights_only=True)
    assert_same_tree(back, ref)
    assert type(back["param"]) is torch.nn.Parameter and type(back["frozen"]) is torch.nn.Parameter


def test_python_attributes_on_a_tensor_survive():
    T = oz()
    x = T.ones(2)
    x.note = "kept"
    data = oz_save_bytes({"x": x})
    got = T.load(io.BytesIO(data))["x"]
    assert type(got) is T.Tensor and got.note == "kept" and got.tolist() == [1.0, 1.0]
    # PyTorch 2 restores the attribute too; 1.13's _rebuild_from_type_v2 drops it for plain
    # tensors, so only the values are common ground.
    assert torch.load(io.BytesIO(data), weights_only=False)["x"].tolist() == [1.0, 1.0]


def test_state_dicts_cross_both_ways():
    T = oz()
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    sd = model.state_dict()
    got = T.load(io.BytesIO(torch_save_bytes(sd)))
    assert isinstance(got, collections.OrderedDict)
    assert_same_tree(got, sd)
    assert dict(got._metadata) == dict(sd._metadata)  # set by BUILD on the OrderedDict

    mine = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 2))
    mine.load_state_dict(got)
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    fresh.load_state_dict(torch.load(io.BytesIO(oz_save_bytes(mine.state_dict())),
                                     weights_only=True))
    x = torch.randn(5, 3)
    assert torch.equal(fresh(x), model(x))


def _adam_checkpoint():
    torch.manual_seed(1)
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.99))
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    return {"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7,
            "loss": 0.125, "name": "run-1", "history": [1.5, 1.25, None], "done": False,
            "tags": {"a", "b"}, "shape": torch.Size([2, 3]), "dtype": torch.float16,
            "device": torch.device("cpu"), "blob": b"\x00\xff", "z": 1 + 2j}


def _tree_to_oz(obj):
    T = oz()
    if isinstance(obj, torch.Tensor):
        return to_oz(obj)
    if isinstance(obj, torch.Size):
        return T.Size(obj)
    if isinstance(obj, torch.dtype):
        return getattr(T, str(obj)[6:])
    if isinstance(obj, torch.device):
        return T.device(str(obj))
    if isinstance(obj, dict):
        out = type(obj)((k, _tree_to_oz(v)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(_tree_to_oz(v) for v in obj)
    return obj


def _assert_checkpoint(got, ref):
    """Compares checkpoints across libraries: torch.Size/dtype/device by their text."""
    special = {k: ref[k] for k in ("shape", "dtype", "device")}
    assert {k: str(got[k]) for k in special} == {k: str(v) for k, v in special.items()}
    assert type(got["shape"]).__name__ == "Size"
    assert_same_tree({k: v for k, v in got.items() if k not in special},
                     {k: v for k, v in ref.items() if k not in special})


@pytest.mark.parametrize("protocol", [2, 4])
def test_optimizer_checkpoint_torch_to_oztorch(protocol):
    ref = _adam_checkpoint()
    data = torch_save_bytes(ref, pickle_protocol=protocol)
    for weights_only in (True, False):
        got = oz().load(io.BytesIO(data), weights_only=weights_only)
        _assert_checkpoint(got, ref)
        assert isinstance(got["shape"], oz().Size) and got["dtype"] is oz().float16


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_optimizer_checkpoint_oztorch_to_torch(protocol):
    ref = _adam_checkpoint()
    mine = _tree_to_oz(ref)
    data = oz_save_bytes(mine, pickle_protocol=protocol)
    got = torch.load(io.BytesIO(data))  # 1.13's weights_only lacks device, set, bytes...
    _assert_checkpoint(got, ref)
    assert isinstance(got["shape"], torch.Size) and got["dtype"] is torch.float16
    _assert_checkpoint(oz().load(io.BytesIO(data)), ref)


def test_saved_pickle_names_only_torch_globals():
    T = oz()
    data = oz_save_bytes({"p": T.nn.Parameter(T.ones(1)), "t": T.ones(1), "s": T.Size([1]),
                          "d": T.int8, "dev": T.device("cpu"), "o": collections.OrderedDict()})
    pickled = zipfile.ZipFile(io.BytesIO(data)).read("archive/data.pkl")
    import pickletools
    names = {arg for op, arg, _ in pickletools.genops(pickled) if op.name == "GLOBAL"}
    assert names == {"torch._utils _rebuild_parameter", "torch._utils _rebuild_tensor_v2",
                     "torch FloatStorage", "collections OrderedDict", "torch Size",
                     "torch int8", "torch device"}


# ------------------------------------------------------------------ the archive itself

def test_archive_layout_matches_torch(tmp_path):
    T = oz()
    torch.save({"a": torch.ones(2), "b": torch.zeros(3, dtype=torch.int64)}, tmp_path / "t.pt")
    T.save({"a": T.ones(2), "b": T.zeros(3, dtype=T.int64)}, tmp_path / "model.v2.pt")
    theirs = zipfile.ZipFile(tmp_path / "t.pt").namelist()
    ours = zipfile.ZipFile(tmp_path / "model.v2.pt").namelist()
    assert theirs == ["t/data.pkl", "t/data/0", "t/data/1", "t/version"]
    assert ours == ["model.v2/data.pkl", "model.v2/byteorder", "model.v2/data/0",
                    "model.v2/data/1", "model.v2/version"]
    archive = zipfile.ZipFile(tmp_path / "model.v2.pt")
    assert archive.read("model.v2/version") == b"3\n"
    assert archive.read("model.v2/byteorder") == b"little"
    assert archive.read("model.v2/data/0") == np.ones(2, np.float32).tobytes()
    assert all(i.compress_type == zipfile.ZIP_STORED for i in archive.infolist())


def test_records_are_aligned_to_64_bytes():
    T = oz()
    data = oz_save_bytes([T.ones(n) for n in range(1, 6)] + [T.zeros(0)])
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():
        name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                        info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
        assert start % 64 == 0, info.filename
        assert data[start:start + info.file_size] == zipfile.ZipFile(
            io.BytesIO(data)).read(info.filename)


def test_paths_pathlike_and_file_objects(tmp_path):
    T = oz()
    x = T.arange(5)
    T.save(x, str(tmp_path / "a.pt"))
    T.save(x, tmp_path / "b.pt")
    with open(tmp_path / "c.pt", "wb") as f:
        T.save(x, f)
    for name in ("a.pt", "b.pt", "c.pt"):
        assert torch.equal(torch.load(tmp_path / name), torch.arange(5))
        assert T.load(tmp_path / name).tolist() == [0, 1, 2, 3, 4]
        with open(tmp_path / name, "rb") as f:
            assert T.load(f).tolist() == [0, 1, 2, 3, 4]
    assert zipfile.ZipFile(tmp_path / "c.pt").namelist()[0] == "archive/data.pkl"
    with pytest.raises(AttributeError, match="write"):
        T.save(x, 42)


def test_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0)
    os.umask(umask)
    oz().save(oz().ones(1), tmp_path / "m.pt")
    assert os.stat(tmp_path / "m.pt").st_mode & 0o777 == 0o666 & ~umask


# ------------------------------------------------------------------ atomic saving

def test_failed_pickling_keeps_the_old_file(tmp_path):
    T = oz()
    path = tmp_path / "ckpt.pt"
    T.save({"v": T.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        T.save({"v": T.zeros(2), "f": lambda: 0}, path)  # lambdas do not pickle
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["ckpt.pt"]


def test_failure_while_writing_leaves_no_partial_file(tmp_path, monkeypatch):
    T = oz()
    from oztorch import _torch_pickler
    real = _torch_pickler._SavedStorage.raw_bytes
    calls = []

    def fail_on_second(self):
        calls.append(self.key)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(self)

    path = tmp_path / "ckpt.pt"
    monkeypatch.setattr(_torch_pickler._SavedStorage, "raw_bytes", fail_on_second)
    with pytest.raises(OSError, match="disk full"):
        T.save([T.ones(1000), T.ones(3)], path)
    assert os.listdir(tmp_path) == []  # no partial file, no temporary left behind

    T.save({"old": T.ones(1)}, path)
    before = path.read_bytes()
    calls.clear()
    with pytest.raises(OSError, match="disk full"):
        T.save([T.ones(1000), T.ones(3)], path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.pt"]


def test_save_into_a_missing_directory_raises(tmp_path):
    check(lambda L: L.save(L.ones(1), str(tmp_path / "missing" / "m.pt")), raises=RuntimeError)


def _float_and_int_views(L):
    x = L.zeros(4)
    return [x, x[1:].view(L.int32)]


def test_mixed_dtype_views_of_one_storage_are_refused():
    check(lambda L: _save(L, _float_and_int_views(L)), raises=RuntimeError)


# ------------------------------------------------------------------ weights_only safety

class _RunsCode:
    def __init__(self, func, arg):
        self.func, self.arg = func, arg

    def __reduce__(self):
        return (self.func, (self.arg,))


@pytest.mark.parametrize("how", ["os.system", "builtins.eval", "builtins.exec"])
def test_malicious_pickle_is_refused_and_runs_nothing(tmp_path, how):
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    payload = {"os.system": _RunsCode(os.system, command),
               "builtins.eval": _RunsCode(eval, f"__import__('os').system({command!r})"),
               "builtins.exec": _RunsCode(exec, f"import os; os.system({command!r})")}[how]
    data = make_zip(pickle.dumps({"weights": payload}, protocol=2))
    for kwargs in ({}, {"weights_only": True}, {"map_location": "cpu"}):
        with pytest.raises(pickle.UnpicklingError) as info:
            oz().load(io.BytesIO(data), **kwargs)
        message = str(info.value)
        assert "Weights only load failed" in message
        assert "Unsupported global: GLOBAL" in message
        assert how.split(".")[1] in message  # names the global (os.system is posix.system)
    assert not marker.exists()


def test_build_cannot_modify_an_allowed_class():
    # BUILD on the OrderedDict *class* would setattr on it with a plain restricted
    # find_class; the weights-only reader refuses to BUILD anything but data.
    evil = (b"\x80\x02ccollections\nOrderedDict\nq\x00N}q\x01X\x04\x00\x00\x00evilq\x02K\x01s"
            b"\x86q\x03b.")
    with pytest.raises(pickle.UnpicklingError, match="BUILD"):
        oz().load(io.BytesIO(make_zip(evil)))
    assert not hasattr(collections.OrderedDict, "evil")


def test_crafted_tensor_geometry_cannot_reach_outside_its_storage():
    T = oz()
    good = zipfile.ZipFile(io.BytesIO(oz_save_bytes(T.ones(4))))
    pickled = good.read("archive/data.pkl")
    storage = good.read("archive/data/0")
    # size (4,) stride (1,) -> size (5,) (past the end) and stride 2**62 (overflow)
    for old, new in ((b"K\x04\x85", b"K\x05\x85"),
                     (b"K\x01\x85", b"\x8a\x08" + (2 ** 62).to_bytes(8, "little") + b"\x85")):
        assert pickled.count(old) == 1
        bad = make_zip(pickled.replace(old, new), {"data/0": storage})
        with pytest.raises(RuntimeError):
            T.load(io.BytesIO(bad))


def test_rebuild_from_type_calls_only_rebuild_functions():
    # _rebuild_from_type_v2(func, type, args, state) is allowed; its func must not be a way
    # to call anything else (here: Tensor(10)).
    evil = (b"\x80\x02ctorch._tensor\n_rebuild_from_type_v2\n(ctorch\nTensor\nctorch\nTensor\n"
            b"K\x0a\x85}tR.")
    with pytest.raises(TypeError, match="rebuild"):
        oz().load(io.BytesIO(make_zip(evil)))


def test_trusted_classes_via_safe_globals():
    T = oz()
    payload = collections.Counter(a=2)  # not allowed by default
    data = make_zip(pickle.dumps({"c": payload, "t": 1}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="collections.Counter"):
        T.load(io.BytesIO(data))
    with T.serialization.safe_globals([collections.Counter]):
        assert T.load(io.BytesIO(data))["c"] == payload
    assert collections.Counter not in T.serialization.get_safe_globals()
    assert T.load(io.BytesIO(data), weights_only=False)["c"] == payload


def test_weights_only_with_pickle_module_is_refused():
    data = oz_save_bytes([1])
    with pytest.raises(RuntimeError, match="pickle_module"):
        oz().load(io.BytesIO(data), pickle_module=pickle)
    assert oz().load(io.BytesIO(data), pickle_module=pickle, weights_only=False) == [1]


def test_whole_modules_need_weights_only_false():
    T = oz()
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    data = torch_save_bytes(model)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        T.load(io.BytesIO(data))
    mine = T.load(io.BytesIO(data), weights_only=False)
    assert type(mine) is T.nn.Linear
    x = torch.randn(4, 3)
    assert np.allclose(mine(to_oz(x)).tolist(), model(x).tolist(), atol=1e-6)


# ------------------------------------------------------------------ map_location

def _with_location(data, location):
    """A copy of an archive whose storages say they were saved on `location`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    records = {n.split("/", 1)[1]: src.read(n) for n in src.namelist()}
    tag = location.encode()
    pickled = records.pop("data.pkl").replace(b"X\x03\x00\x00\x00cpu",
                                              b"X" + struct.pack("<I", len(tag)) + tag)
    records.pop("version")
    return make_zip(pickled, records)


def test_map_location_forms():
    T = oz()
    data = oz_save_bytes({"a": T.arange(3.0), "b": T.ones(2, dtype=T.int64)})
    seen = []

    def record(storage, location):
        seen.append((location, str(storage.dtype), storage.device.type, storage.size()))
        return storage

    for where in (None, "cpu", T.device("cpu"), {"cpu": "cpu"}, {"cuda:0": "cpu"}, record,
                  lambda storage, location: None):
        got = T.load(io.BytesIO(data), map_location=where)
        assert got["a"].tolist() == [0.0, 1.0, 2.0] and got["a"].device.type == "cpu"
    assert seen == [("cpu", "torch.float32", "cpu", 3), ("cpu", "torch.int64", "cpu", 2)]
    with pytest.raises(TypeError):
        T.load(io.BytesIO(data), map_location=5)


def test_cuda_locations_without_a_gpu_or_with_one():
    T = oz()
    data = _with_location(oz_save_bytes({"a": T.arange(3.0)}), "cuda:0")
    locations = []
    got = T.load(io.BytesIO(data),
                 map_location=lambda storage, location: locations.append(location) or storage)
    assert locations == ["cuda:0"] and got["a"].tolist() == [0.0, 1.0, 2.0]
    assert T.load(io.BytesIO(data), map_location={"cuda:0": "cpu"})["a"].device.type == "cpu"
    assert T.load(io.BytesIO(data), map_location="cpu")["a"].tolist() == [0.0, 1.0, 2.0]
    if T._C._device_count("cuda") == 0:
        for where in (None, "cuda", "cuda:0"):
            with pytest.raises(RuntimeError, match="CUDA"):
                T.load(io.BytesIO(data), map_location=where)
    else:
        got = T.load(io.BytesIO(data))
        assert got["a"].device.type == "cuda" and got["a"].cpu().tolist() == [0.0, 1.0, 2.0]
        back = torch.load(io.BytesIO(oz_save_bytes(got)), map_location="cpu")
        assert back["a"].tolist() == [0.0, 1.0, 2.0]


def test_big_endian_files_are_byteswapped():
    T = oz()
    values = np.array([1.5, -2.25, 1e30], dtype=np.float64)
    src = zipfile.ZipFile(io.BytesIO(oz_save_bytes(T.from_numpy(values.copy()))))
    records = {n.split("/", 1)[1]: src.read(n) for n in src.namelist()}
    records["byteorder"] = b"big"
    records["data/0"] = values.astype(">f8").tobytes()
    pickled = records.pop("data.pkl")
    records.pop("version")
    assert T.load(io.BytesIO(make_zip(pickled, records))).tolist() == values.tolist()


# ------------------------------------------------------------------ what is not a checkpoint

def test_empty_and_garbage_files_raise_like_torch(tmp_path):
    (tmp_path / "empty.pt").write_bytes(b"")
    (tmp_path / "junk.pt").write_bytes(b"this is not a checkpoint")
    check(lambda L: L.load(str(tmp_path / "empty.pt"), weights_only=False), raises=EOFError)
    check(lambda L: L.load(str(tmp_path / "missing.pt")), raises=FileNotFoundError)
    for lib in (torch, oz()):  # check() compares builtin classes; this one is pickle's
        with pytest.raises(pickle.UnpicklingError):
            lib.load(str(tmp_path / "junk.pt"), weights_only=False)


def test_legacy_format_is_refused_clearly():
    data = torch_save_bytes(torch.ones(2), _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="legacy"):
        oz().load(io.BytesIO(data))


def test_missing_storage_record_raises():
    T = oz()
    src = zipfile.ZipFile(io.BytesIO(oz_save_bytes(T.ones(3))))
    with pytest.raises(RuntimeError, match="data/0"):
        T.load(io.BytesIO(make_zip(src.read("archive/data.pkl"))))
    short = make_zip(src.read("archive/data.pkl"), {"data/0": b"\x00" * 8})
    with pytest.raises(RuntimeError, match="bytes"):
        T.load(io.BytesIO(short))


def test_storage_crc_is_not_checked_like_torch():
    # PyTorch reads records without checking their CRC (2.x can write archives without
    # CRCs), so a changed byte loads as it is, in both.
    data = bytearray(torch_save_bytes(torch.arange(16.0)))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("archive/data/0")
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26:
                                                    info.header_offset + 30])
    data[info.header_offset + 30 + name_len + extra_len + 5] ^= 0xFF
    got = check(lambda L: L.load(io.BytesIO(bytes(data))))
    assert got[1].item() != 1.0


def test_truncated_pickle_raises_unpickling_error():
    pickled = zipfile.ZipFile(io.BytesIO(oz_save_bytes({"a": [1, 2, 3]}))).read(
        "archive/data.pkl")
    with pytest.raises(pickle.UnpicklingError):
        oz().load(io.BytesIO(make_zip(pickled[:-5])))


def test_storage_types_are_not_constructible():
    T = oz()
    with pytest.raises(TypeError):
        T.storage.FloatStorage(3)
