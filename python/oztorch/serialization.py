"""torch.save / torch.load in PyTorch's zip format."""


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True):
    raise RuntimeError("oztorch.save is being written")  # replaced by the serialization work


def load(f, map_location=None, pickle_module=None, *, weights_only=True, **pickle_load_args):
    raise RuntimeError("oztorch.load is being written")  # replaced by the serialization work
