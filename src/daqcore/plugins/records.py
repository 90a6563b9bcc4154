"""Typed records that plugins register through the hooks of :mod:`daqcore.plugins.hookspecs`.

Every record is a frozen dataclass with a ``name`` (normalised to lower case, unique per
record type across all plugins). Objects a record points to may be given directly or as an
import string ``"package.module:attribute"`` resolved on first use by :meth:`load`, so a
plugin can register something without importing it (and its vendor SDK) up front.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from daqcore.plugins.errors import PluginRecordError

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")

INSTRUMENT_KINDS: tuple[str, ...] = ("detector", "actuator")


def normalise_name(name: object, what: str) -> str:
    """Lower-case ``name`` and check it is a short identifier (letters, digits, ``_.-``)."""
    if not isinstance(name, str):
        raise PluginRecordError(f"{what} name must be a str, got {name!r}")
    lowered = name.strip().lower()
    if not _NAME_RE.match(lowered):
        raise PluginRecordError(
            f"invalid {what} name {name!r}: use letters, digits, '_', '.', '-' "
            "(starting with a letter or digit)"
        )
    return lowered


def resolve(target: Any) -> Any:
    """Return ``target``, importing it first when it is a ``"module:attribute"`` string."""
    if not isinstance(target, str):
        return target
    module_name, sep, attribute = target.partition(":")
    if not sep or not module_name or not attribute:
        raise PluginRecordError(f"import string {target!r} must look like 'package.module:name'")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class _Record:
    name: str
    plugin: str = field(default="", kw_only=True)
    """Name of the plugin that registered the record (filled in by the registry)."""

    def __post_init__(self) -> None:
        what = type(self).__name__.removesuffix("Record").lower() or "record"
        object.__setattr__(self, "name", normalise_name(self.name, what))


@dataclass(frozen=True)
class InstrumentRecord(_Record):
    """An instrument (detector or actuator) offered by a plugin.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``'mock_2d'``; users create it with
        ``get_registry().create_detector('mock_2d')``.
    factory : type or str
        The :class:`~daqcore.instruments.Detector` / :class:`~daqcore.instruments.Actuator`
        subclass, or an import string to it.
    kind : {'detector', 'actuator'}, optional
        Read from the class (``factory.kind``) when the factory is a class.
    description : str
        One line for listings.
    defaults : mapping
        Setting values applied at creation (before the caller's own), so one class can be
        registered under several names (``mock_x``, ``mock_y``...).
    """

    factory: type | str = field(default="", kw_only=False)
    kind: str = ""
    description: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.factory:
            raise PluginRecordError(f"instrument {self.name!r} has no factory")
        kind = self.kind or (getattr(self.factory, "kind", "") if isinstance(self.factory, type)
                             else "")
        if kind not in INSTRUMENT_KINDS:
            raise PluginRecordError(
                f"instrument {self.name!r}: kind {kind!r} is not one of {INSTRUMENT_KINDS} "
                "(give kind=... when the factory is an import string)"
            )
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))

    def load(self) -> type:
        """The instrument class (imported on first use when given as a string)."""
        cls = resolve(self.factory)
        if getattr(cls, "kind", None) != self.kind:
            raise PluginRecordError(
                f"instrument {self.name!r}: {cls!r} is not of kind {self.kind!r} "
                f"(its kind is {getattr(cls, 'kind', None)!r})"
            )
        return cls

    @property
    def dims(self) -> tuple[Any, ...]:
        """The data dimensionalities the detector produces (empty for actuators)."""
        return tuple(getattr(self.load(), "dims", ()))

    @property
    def backends(self) -> tuple[Any, ...]:
        """The :class:`~daqcore.instruments.backends.Backend` declarations of the class."""
        return tuple(getattr(self.load(), "backends", ()))


@dataclass(frozen=True)
class CommandRecord(_Record):
    """A ``daqcore NAME`` subcommand: a :class:`click.Command` or an import string to one."""

    command: Any = field(default=None, kw_only=False)
    help: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.command is None:
            raise PluginRecordError(f"command {self.name!r} has no click command")

    def load(self) -> Any:
        """The click command (imported on first use when given as a string)."""
        return resolve(self.command)


@dataclass(frozen=True)
class PanelRecord(_Record):
    """A dashboard panel. Only the GUI layer imports ``factory`` (a Qt widget factory).

    Parameters
    ----------
    name : str
        Registry name.
    factory : str or callable
        Import string (preferred, so nothing Qt is imported outside the GUI) or callable
        ``factory(parent=None, **context) -> QWidget``.
    title : str
        Tab / dock title.
    kind : str
        Free-form category, e.g. ``'viewer'``, ``'instrument'``, ``'tool'``.
    """

    factory: str | Callable[..., Any] = field(default="", kw_only=False)
    title: str = ""
    kind: str = "tool"
    description: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.factory:
            raise PluginRecordError(f"panel {self.name!r} has no factory")
        if not self.title:
            object.__setattr__(self, "title", self.name)

    def load(self) -> Callable[..., Any]:
        """The widget factory (imports it: call from the GUI layer only)."""
        return resolve(self.factory)


@dataclass(frozen=True)
class ReaderRecord(_Record):
    """A reader for a foreign file format.

    Parameters
    ----------
    name : str
        Registry name, e.g. ``'jls'``.
    extensions : tuple of str
        File suffixes it reads (``'.jls'``), compared case-insensitively.
    factory : callable or str
        ``read(path, **options) -> DataToExport``, or an import string to it.
    """

    extensions: tuple[str, ...] = field(default=(), kw_only=False)
    factory: str | Callable[..., Any] = ""
    description: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.extensions, str):
            object.__setattr__(self, "extensions", (self.extensions,))
        exts = tuple(
            (e if e.startswith(".") else "." + e).lower() for e in self.extensions
        )
        if not exts:
            raise PluginRecordError(f"reader {self.name!r} declares no file extension")
        object.__setattr__(self, "extensions", exts)
        if not self.factory:
            raise PluginRecordError(f"reader {self.name!r} has no factory")

    def load(self) -> Callable[..., Any]:
        """The reading function."""
        return resolve(self.factory)


__all__ = [
    "INSTRUMENT_KINDS",
    "CommandRecord",
    "InstrumentRecord",
    "PanelRecord",
    "ReaderRecord",
    "normalise_name",
    "resolve",
]
