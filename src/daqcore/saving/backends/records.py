"""The record a plugin registers to offer an HDF5 backend (hook ``daqcore_register_h5_backends``).

Kept free of numpy/h5py imports so that the plugin registry can collect backend records
without loading any HDF5 library: the factory may be an import string, resolved on first use.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from daqcore.saving.errors import BackendError, BackendUnavailableError

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.saving.backends.base import H5LibraryBackend

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name.strip().lower()):
        raise BackendError(f"invalid HDF5 backend name {name!r}: use letters, digits, '_', '.', "
                           "'-' (starting with a letter or digit)")
    return name.strip().lower()


@dataclass(frozen=True)
class H5BackendRecord:
    """An HDF5 backend offered by a plugin.

    Parameters
    ----------
    name : str
        The name users give (``backend='h5py'``, ``daqcore scan --backend h5py``); lower case.
    factory : callable or str
        Zero-argument callable returning a new backend object (usually the class), or an
        import string ``"package.module:Class"`` imported on first use.
    description : str
        One line for listings.
    aliases : tuple of str
        Other accepted names (``'pytables'`` for ``'tables'``).
    plugin : str
        Name of the plugin that registered it (filled in by the registry).
    """

    name: str
    factory: Callable[[], H5LibraryBackend] | str = field(default="", kw_only=False)
    description: str = ""
    aliases: tuple[str, ...] = ()
    plugin: str = field(default="", kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _check_name(self.name))
        if isinstance(self.aliases, str):
            object.__setattr__(self, "aliases", (self.aliases,))
        object.__setattr__(self, "aliases", tuple(_check_name(a) for a in self.aliases))
        if not self.factory:
            raise BackendError(f"HDF5 backend {self.name!r} has no factory")

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return (self.name, *self.aliases)

    def load(self) -> Callable[[], H5LibraryBackend]:
        """The factory (imported on first use when given as a string).

        Raises
        ------
        BackendError
            If the import string does not resolve (library missing, typo).
        """
        if not isinstance(self.factory, str):
            return self.factory
        module_name, sep, attribute = self.factory.partition(":")
        if not sep:
            raise BackendError(f"HDF5 backend {self.name!r}: import string {self.factory!r} "
                               "must look like 'package.module:Class'")
        try:
            obj: Any = importlib.import_module(module_name)
            for part in attribute.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            error = BackendUnavailableError if isinstance(exc, ImportError) else BackendError
            raise error(f"HDF5 backend {self.name!r} cannot be loaded from "
                        f"{self.factory!r}: {type(exc).__name__}: {exc}") from None
        factory: Callable[[], H5LibraryBackend] = obj  # resolved by name at run time
        return factory

    def create(self) -> H5LibraryBackend:
        """A new backend object."""
        return self.load()()


__all__ = ["H5BackendRecord"]
