"""oztorch.nn: neural-network building blocks, as torch.nn."""
from .parameter import *  # noqa: F401,F403 - Parameter, Buffer
from .modules import *  # noqa: F401,F403 - Module, containers, layers, losses
from . import functional  # noqa: F401
from . import init  # noqa: F401
from . import utils  # noqa: F401
