"""Every nn.Module class, one family a file; each file lists its public names in __all__."""
from . import (activation, container, conv, dropout, flatten, linear, loss, module,  # noqa: F401
               normalization, pooling, sparse, upsampling)
from .module import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403

# Only the classes travel on `from .modules import *` (nn/__init__.py): without this list the
# submodule names would too, and modules.utils would shadow the nn.utils package.
__all__ = [name for family in (module, container, linear, conv, pooling, activation, loss,
                               normalization, dropout, sparse, flatten, upsampling)
           for name in family.__all__]
