"""The registry: every record the plugins registered, plus what failed.

Use :func:`get_registry` (process-wide, loaded once) to look instruments up by name::

    from daqcore.plugins import get_registry

    registry = get_registry()
    camera = registry.create_detector("mock_2d", backend="sim", exposure=0.01)

An unknown name raises :class:`~daqcore.plugins.errors.UnknownInstrumentError` listing the
known names. :meth:`Registry.report` feeds ``daqcore plugins`` (and the dashboard).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from daqcore.plugins.errors import PluginRecordError, UnknownInstrumentError
from daqcore.plugins.hookspecs import HOOK_RECORD_TYPES
from daqcore.plugins.manager import (
    PluginFailure,
    PluginInfo,
    PluginManager,
    plugin_dirs_from_env,
)
from daqcore.plugins.records import CommandRecord, InstrumentRecord, PanelRecord, ReaderRecord
from daqcore.saving.backends.records import H5BackendRecord
from daqcore.saving.backends.registry import set_plugin_source

_SECTIONS: dict[str, str] = {
    "daqcore_register_instruments": "instruments",
    "daqcore_register_commands": "commands",
    "daqcore_register_panels": "panels",
    "daqcore_register_readers": "readers",
    "daqcore_register_h5_backends": "h5_backends",
}


class Registry:
    """Records collected from a :class:`~daqcore.plugins.manager.PluginManager`.

    Parameters
    ----------
    manager : PluginManager
        A manager whose plugins are registered; every hook is called here, one
        implementation at a time.
    reserved_commands : iterable of str
        Command names plugins may not take (the built-in ``daqcore`` subcommands).
    """

    def __init__(self, manager: PluginManager, *, reserved_commands: Iterable[str] = ()) -> None:
        self.manager = manager
        self.instruments: dict[str, InstrumentRecord] = {}
        self.commands: dict[str, CommandRecord] = {}
        self.panels: dict[str, PanelRecord] = {}
        self.readers: dict[str, ReaderRecord] = {}
        self.h5_backends: dict[str, H5BackendRecord] = {}
        self._reserved_commands = frozenset(reserved_commands)
        for hook_name in HOOK_RECORD_TYPES:
            self._collect(hook_name)

    # ------------------------------------------------------------------ collection
    def _collect(self, hook_name: str) -> None:
        record_type = HOOK_RECORD_TYPES[hook_name]
        table: dict[str, Any] = getattr(self, _SECTIONS[hook_name])
        for plugin_name, function in self.manager.hook_implementations(hook_name):
            pending: list[Any] = []

            def register(record: Any, _pending: list[Any] = pending) -> None:
                if not isinstance(record, record_type):
                    raise PluginRecordError(
                        f"{hook_name} expects {record_type.__name__} records, got {record!r}"
                    )
                _pending.append(record)

            try:
                function(register=register)
            except Exception as exc:  # the plugin's hook raised or registered garbage
                self.manager.fail_hook(plugin_name, "hook", exc)
                continue  # nothing of a failed hook call is kept
            for record in pending:
                self._add(table, record, plugin_name, hook_name)

    def _add(self, table: dict[str, Any], record: Any, plugin_name: str, hook_name: str) -> None:
        what = _SECTIONS[hook_name][:-1]
        if hook_name == "daqcore_register_commands" and record.name in self._reserved_commands:
            self.manager.fail_duplicate(
                plugin_name, f"{what} name {record.name!r} is a built-in daqcore command"
            )
            return
        if record.name in table:
            owner = table[record.name].plugin
            self.manager.fail_duplicate(
                plugin_name,
                f"{what} name {record.name!r} is already registered by plugin {owner!r}; "
                f"plugin {plugin_name!r} cannot register it too (report it to the plugin authors)",
            )
            return
        table[record.name] = replace(record, plugin=plugin_name)

    # ------------------------------------------------------------------ views
    @property
    def plugins(self) -> list[PluginInfo]:
        """Plugins that loaded."""
        return list(self.manager.plugins.values())

    @property
    def failures(self) -> list[PluginFailure]:
        """Everything that failed, in order."""
        return list(self.manager.failures)

    def detectors(self) -> list[InstrumentRecord]:
        """Detector records, sorted by name."""
        return [r for _, r in sorted(self.instruments.items()) if r.kind == "detector"]

    def actuators(self) -> list[InstrumentRecord]:
        """Actuator records, sorted by name."""
        return [r for _, r in sorted(self.instruments.items()) if r.kind == "actuator"]

    # ------------------------------------------------------------------ lookup / creation
    def get_instrument(self, name: str, kind: str | None = None) -> InstrumentRecord:
        """The record registered under ``name`` (case-insensitive), optionally of ``kind``.

        Raises
        ------
        UnknownInstrumentError
            With the known names of that kind (and the failed plugins, which may be why).
        """
        key = name.lower() if isinstance(name, str) else name
        record = self.instruments.get(key)
        if record is None or (kind is not None and record.kind != kind):
            candidates = sorted(r.name for r in self.instruments.values()
                                if kind is None or r.kind == kind)
            what = kind or "instrument"
            message = f"unknown {what} {name!r}; known {what}s: {', '.join(candidates) or 'none'}"
            if record is not None:
                article = "an" if record.kind[0] in "aeiou" else "a"
                message += f" ({name!r} is {article} {record.kind})"
            if self.failures:
                message += "; plugins that failed to load: " + ", ".join(
                    sorted({f.plugin for f in self.failures})
                )
            raise UnknownInstrumentError(message)
        return record

    def create_instrument(
        self, name: str, backend: str = "sim", *, kind: str | None = None, **settings: Any
    ) -> Any:
        """Instantiate the instrument ``name`` on ``backend`` with ``settings`` values.

        The record's ``defaults`` are applied first, then ``settings``. Extra keyword
        arguments the class accepts (such as a simulated ``stage``) pass through too.
        """
        record = self.get_instrument(name, kind)
        cls = record.load()
        values = {**record.defaults, **settings}
        title = values.pop("title", None) or record.name
        return cls(backend=backend, title=title, **values)

    def create_detector(self, name: str, backend: str = "sim", **settings: Any) -> Any:
        """:meth:`create_instrument` restricted to detectors."""
        return self.create_instrument(name, backend, kind="detector", **settings)

    def create_actuator(self, name: str, backend: str = "sim", **settings: Any) -> Any:
        """:meth:`create_instrument` restricted to actuators."""
        return self.create_instrument(name, backend, kind="actuator", **settings)

    def reader_for(self, path: str | Path) -> ReaderRecord:
        """The reader registered for ``path``'s suffix."""
        suffix = Path(path).suffix.lower()
        for record in self.readers.values():
            if suffix in record.extensions:
                return record
        known = sorted({e for r in self.readers.values() for e in r.extensions})
        raise UnknownInstrumentError(
            f"no reader for {str(path)!r} (suffix {suffix!r}); known suffixes: "
            f"{', '.join(known) or 'none'}"
        )

    # ------------------------------------------------------------------ report
    def describe_instrument(
        self, record: InstrumentRecord, *, probe: bool = True
    ) -> dict[str, Any]:
        """JSON-ready description of one instrument (probing backends when ``probe``)."""
        out: dict[str, Any] = {
            "name": record.name,
            "kind": record.kind,
            "plugin": record.plugin,
            "description": record.description,
        }
        try:
            cls = record.load()
        except Exception as exc:  # an import-string factory that does not import
            out.update(dims=[], backends=[], error=f"{type(exc).__name__}: {exc}")
            return out
        out["class"] = f"{cls.__module__}.{cls.__qualname__}"
        out["dims"] = [getattr(d, "name", str(d)) for d in getattr(cls, "dims", ())]
        backends = []
        for backend in getattr(cls, "backends", ()):
            entry: dict[str, Any] = {"name": backend.name, "simulated": backend.simulated}
            if probe:
                availability = backend.availability()
                entry.update(available=availability.available, reason=availability.reason)
            backends.append(entry)
        out["backends"] = backends
        return out

    def report(self, *, probe: bool = True) -> dict[str, Any]:
        """Everything ``daqcore plugins --json`` prints."""
        return {
            "plugins": [
                {**p.to_dict(), "instruments": sorted(
                    r.name for r in self.instruments.values() if r.plugin == p.name)}
                for p in self.plugins
            ],
            "instruments": [
                self.describe_instrument(r, probe=probe)
                for _, r in sorted(self.instruments.items())
            ],
            "commands": sorted(self.commands),
            "panels": sorted(self.panels),
            "readers": {n: list(r.extensions) for n, r in sorted(self.readers.items())},
            "h5_backends": sorted(self.h5_backends),
            "failures": [f.to_dict() for f in self.failures],
            "skipped": sorted(self.manager.skipped),
        }


def load_registry(
    *,
    entry_points: bool = True,
    group: str = "daqcore",
    path: Sequence[str] | None = None,
    plugins: Iterable[tuple[str, Any]] = (),
    plugin_dirs: Iterable[str] | None = None,
    strict: bool | None = None,
    disabled: Iterable[str] | None = None,
    reserved_commands: Iterable[str] = (),
) -> Registry:
    """Build a fresh registry.

    Parameters
    ----------
    entry_points : bool
        Load the plugins named in the entry-point ``group``.
    group : str
        Entry-point group.
    path : sequence of str, optional
        Only look for distributions on these directories.
    plugins : iterable of (name, module_or_object)
        Extra plugins registered directly (tests, scripts), after the entry points.
    plugin_dirs : iterable of str, optional
        Directories whose ``*.py`` files are loaded as plugins (after the entry points).
        Defaults to ``DAQCORE_PLUGINS_DIR`` when ``entry_points`` is true, else none.
    strict, disabled
        See :class:`~daqcore.plugins.manager.PluginManager`.
    reserved_commands : iterable of str
        Command names plugins may not register.
    """
    manager = PluginManager(strict=strict, disabled=disabled)
    if entry_points:
        manager.load_entrypoints(group, path=path)
    if plugin_dirs is None:
        plugin_dirs = plugin_dirs_from_env() if entry_points else []
    for directory in plugin_dirs:
        manager.load_directory(directory)
    for name, plugin in plugins:
        manager.register(plugin, name)
    return Registry(manager, reserved_commands=reserved_commands)


_registry: Registry | None = None
_lock = threading.Lock()


def get_registry(*, reload: bool = False) -> Registry:
    """The process-wide registry, loaded from the entry points on first use."""
    global _registry
    with _lock:
        if _registry is None or reload:
            _registry = load_registry()
        return _registry


def set_registry(registry: Registry | None) -> Registry | None:
    """Replace the process-wide registry (tests); returns the previous one."""
    global _registry
    with _lock:
        previous, _registry = _registry, registry
        return previous


def _plugin_h5_backends() -> dict[str, H5BackendRecord]:
    return get_registry().h5_backends


# the saving layer finds backends registered by plugins through the process-wide registry
set_plugin_source(_plugin_h5_backends)

__all__ = [
    "Registry",
    "get_registry",
    "load_registry",
    "set_registry",
]
