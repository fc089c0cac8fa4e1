"""oztorch.nn: neural-network building blocks, as torch.nn. The functional interface is here;
the Module classes come with their own issue."""
from . import functional  # noqa: F401
