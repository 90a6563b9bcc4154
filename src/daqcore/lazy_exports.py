"""Packages that export names from their submodules, imported on first use.

``import daqcore.acquisition`` (or ``daqcore_plugins.mock``) must stay cheap: the CLI lists
commands and plugins without loading HDF5, numpy-heavy engines or Qt. A package declares what it
exports and where each name lives, and :func:`lazy_exports` gives it the module ``__getattr__``
(PEP 562) that imports the submodule when a name is first used, and a ``__dir__`` that lists
every export::

    _EXPORTS = {"Scan": "daqcore.acquisition.scan", ...}
    __all__ = sorted(_EXPORTS)
    __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` exporting ``name -> "module"`` lazily.

    The value found is cached in the package's namespace, so each name is looked up once.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(exports))

    return __getattr__, __dir__


__all__ = ["lazy_exports"]
