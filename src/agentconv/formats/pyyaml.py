"""PyYAML, imported without compiling the patterns agentconv does not use.

Importing ``yaml`` compiles ``yaml.reader.Reader.NON_PRINTABLE``, a character class over all
of Unicode that costs ~5 ms, more than the rest of PyYAML's import and a tenth of a one-file
``convert``. Only PyYAML's pure-Python reader uses it; agentconv reads with the C loader where
PyYAML has one. So the patterns ``yaml.reader``, ``yaml.constructor`` and ``yaml.resolver``
compile while they are imported are compiled on first use instead (``lazyre``); everything
else is PyYAML as it is, and without the C loader the Python reader still gets its pattern
(when it first reads).

Every agentconv module takes ``yaml`` from here (``from .pyyaml import yaml``).
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any

from ..lazyre import OnFirstUse

_COMPILE = re.compile
#: the modules whose patterns wait for their first use: the reader's, and the constructor's and
#: resolver's (timestamps, which agentconv does not resolve; each kind of scalar when first seen)
_ON_FIRST_USE = frozenset({"yaml.reader", "yaml.constructor", "yaml.resolver"})


def _import_yaml() -> Any:
    if "yaml" in sys.modules:
        return sys.modules["yaml"]

    def compile(pattern: Any, flags: int = 0) -> Any:
        if sys._getframe(1).f_globals.get("__name__") in _ON_FIRST_USE:
            return OnFirstUse(pattern, flags)
        return _COMPILE(pattern, flags)

    re.compile = compile       # only while PyYAML's modules run
    try:
        import yaml
    finally:
        re.compile = _COMPILE
    return yaml


if TYPE_CHECKING:
    import yaml as yaml
else:
    yaml = _import_yaml()
