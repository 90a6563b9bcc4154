"""Loading plugins: one entry point at a time, failures recorded instead of raised.

:class:`PluginManager` is the only code that talks to pluggy. It loads each entry point of
the ``daqcore`` group on its own; a plugin that fails to import, that implements a hook
that does not exist (a typo caught by pluggy's validation), or that cannot be registered is
recorded as a :class:`PluginFailure` (distribution name, version, stage, error, traceback)
and every other plugin still loads. Hooks are then called one implementation at a time by
:mod:`daqcore.plugins.registry`, so a plugin raising inside a hook is isolated too.

Environment variables
---------------------
``DAQCORE_STRICT_PLUGINS=1``
    Raise :class:`~daqcore.plugins.errors.PluginLoadError` at the first failure (CI mode).
``DAQCORE_DISABLE_PLUGINS=a,b``
    Do not load the named plugins (entry point names).
``DAQCORE_PLUGINS_DIR=dir1:dir2``
    Also load every ``*.py`` file of these directories as a plugin named after the file
    (no packaging needed: the quick path for a lab script or a plugin being written).
"""

from __future__ import annotations

import importlib.metadata as metadata
import importlib.util
import inspect
import os
import sys
import traceback as traceback_module
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from daqcore.plugins import hookspecs
from daqcore.plugins.errors import PluginLoadError

STRICT_ENV = "DAQCORE_STRICT_PLUGINS"
DISABLE_ENV = "DAQCORE_DISABLE_PLUGINS"
PLUGINS_DIR_ENV = "DAQCORE_PLUGINS_DIR"
LOCAL_DISTRIBUTION = "(plugins dir)"
ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME


def strict_from_env() -> bool:
    """True when ``DAQCORE_STRICT_PLUGINS`` is set to a true value (1, true, yes, on)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def plugin_dirs_from_env() -> list[str]:
    """Directories listed (``os.pathsep`` separated) in ``DAQCORE_PLUGINS_DIR``."""
    raw = os.environ.get(PLUGINS_DIR_ENV, "")
    return [d for d in raw.split(os.pathsep) if d.strip()]


def disabled_from_env() -> frozenset[str]:
    """Plugin names listed (comma separated) in ``DAQCORE_DISABLE_PLUGINS``."""
    raw = os.environ.get(DISABLE_ENV, "")
    return frozenset(n.strip() for n in raw.split(",") if n.strip())


@dataclass(frozen=True)
class PluginInfo:
    """A plugin that loaded: its entry point name, distribution and the hooks it implements."""

    name: str
    distribution: str
    version: str
    module: str
    hooks: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = asdict(self)
        out["hooks"] = list(self.hooks)
        return out


@dataclass(frozen=True)
class PluginFailure:
    """A plugin (or one of its records) that could not be loaded.

    Attributes
    ----------
    plugin : str
        Entry point name of the plugin.
    distribution, version : str
        The installed distribution that declares it ('' when registered directly).
    stage : str
        ``'import'`` (the module raised on import), ``'validate'`` (unknown hook or bad
        hook signature), ``'register'`` (pluggy refused it), ``'hook'`` (the hook raised or
        registered something invalid) or ``'duplicate'`` (a name already taken).
    error : str
        ``ExceptionType: message``.
    traceback : str
        The formatted traceback ('' for duplicates).
    """

    plugin: str
    distribution: str
    version: str
    stage: str
    error: str
    traceback: str = field(default="", repr=False)

    def describe(self) -> str:
        """One line: ``plugin (dist version) failed at stage: error``."""
        dist = f" ({self.distribution} {self.version})" if self.distribution else ""
        return f"plugin {self.plugin!r}{dist} failed at {self.stage}: {self.error}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class _DaqcorePluggyManager(pluggy.PluginManager):
    """pluggy manager that also accepts undecorated ``daqcore_*`` functions as hooks.

    A plugin author who forgets ``@hookimpl`` still gets the hook called (and a misspelt
    ``daqcore_*`` name is caught by validation instead of being silently ignored).
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith(hookspecs.PROJECT_NAME + "_"):
            method = getattr(plugin, name, None)
            if inspect.isfunction(method) or inspect.ismethod(method):
                return {
                    "wrapper": False,
                    "hookwrapper": False,
                    "optionalhook": False,
                    "tryfirst": False,
                    "trylast": False,
                    "specname": None,
                }
        return opts


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class PluginManager:
    """Typed facade over pluggy: loads plugins, records failures, exposes hook implementations.

    Parameters
    ----------
    strict : bool, optional
        Raise :class:`PluginLoadError` at the first failure. Defaults to the
        ``DAQCORE_STRICT_PLUGINS`` environment variable.
    disabled : iterable of str, optional
        Plugin names not to load. Defaults to ``DAQCORE_DISABLE_PLUGINS``.
    """

    def __init__(self, *, strict: bool | None = None, disabled: Iterable[str] | None = None):
        self.strict = strict_from_env() if strict is None else bool(strict)
        self.disabled = disabled_from_env() if disabled is None else frozenset(disabled)
        self._pm = _DaqcorePluggyManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, PluginInfo] = {}
        self.failures: list[PluginFailure] = []
        self.skipped: list[str] = []

    # ------------------------------------------------------------------ failures
    def record_failure(self, failure: PluginFailure, exc: BaseException | None = None) -> None:
        """Store a failure; in strict mode raise :class:`PluginLoadError` instead of going on."""
        self.failures.append(failure)
        if self.strict:
            raise PluginLoadError(failure.describe()) from exc

    def _fail(self, plugin: str, dist: str, version: str, stage: str, exc: BaseException) -> None:
        tb = "".join(traceback_module.format_exception(type(exc), exc, exc.__traceback__))
        self.record_failure(PluginFailure(plugin, dist, version, stage, _error_text(exc), tb), exc)

    # ------------------------------------------------------------------ loading
    def load_entrypoints(
        self, group: str = ENTRY_POINT_GROUP, *, path: Sequence[str] | None = None
    ) -> None:
        """Load every entry point of ``group``, each on its own.

        Parameters
        ----------
        group : str
            Entry-point group (``'daqcore'``).
        path : sequence of str, optional
            Look for distributions only on these directories instead of ``sys.path``
            (the modules must still be importable).
        """
        found: list[tuple[Any, str, str]] = []
        seen: set[tuple[str, str]] = set()
        dists = metadata.distributions(path=list(path)) if path is not None else \
            metadata.distributions()
        for dist in dists:
            matching = [ep for ep in dist.entry_points if ep.group == group]
            if not matching:
                continue  # reading METADATA is the slow part: only for our group
            dist_name = dist.metadata["Name"] or ""
            for ep in matching:
                if (ep.name, ep.value) in seen:
                    continue  # a distribution seen twice on sys.path is listed once
                seen.add((ep.name, ep.value))
                found.append((ep, dist_name, dist.version or ""))
        for ep, dist_name, version in sorted(found, key=lambda item: item[0].name):
            if ep.name in self.disabled:
                self.skipped.append(ep.name)
                continue
            try:
                module = ep.load()
            except Exception as exc:  # isolate: any import-time error is this plugin's failure
                self._fail(ep.name, dist_name, version, "import", exc)
                continue
            self.register(module, ep.name, distribution=dist_name, version=version)

    def load_directory(self, directory: str | os.PathLike[str]) -> None:
        """Load each ``*.py`` file of ``directory`` (not starting with ``_``) as a plugin.

        The plugin is named after the file; its distribution is reported as
        ``(plugins dir)`` and its version as the directory path.
        """
        folder = Path(directory)
        if not folder.is_dir():
            exc = FileNotFoundError(f"plugins directory {str(folder)!r} does not exist")
            self._fail(folder.name or str(folder), LOCAL_DISTRIBUTION, str(folder), "import", exc)
            return
        for file in sorted(folder.glob("*.py")):
            name = file.stem
            if name.startswith("_"):
                continue
            if name in self.disabled:
                self.skipped.append(name)
                continue
            module_name = f"daqcore_local_plugins.{name}"
            try:
                spec = importlib.util.spec_from_file_location(module_name, file)
                if spec is None or spec.loader is None:
                    raise ImportError(f"cannot import {str(file)!r}")
                module = importlib.util.module_from_spec(spec)
                sys.modules[module_name] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    sys.modules.pop(module_name, None)
                    raise
            except Exception as exc:  # isolate, like an entry point
                self._fail(name, LOCAL_DISTRIBUTION, str(folder), "import", exc)
                continue
            self.register(module, name, distribution=LOCAL_DISTRIBUTION, version=str(folder))

    def register(
        self, plugin: Any, name: str, *, distribution: str = "", version: str = ""
    ) -> bool:
        """Register a plugin object or module under ``name`` and validate its hooks.

        Returns
        -------
        bool
            True when it was registered; False when it failed (the failure is recorded).
        """
        if name in self.disabled:
            self.skipped.append(name)
            return False
        if name in self.plugins:
            exc = ValueError(
                f"a plugin named {name!r} is already registered "
                f"(from {self.plugins[name].distribution or 'direct registration'})"
            )
            self._fail(name, distribution, version, "register", exc)
            return False
        try:
            self._pm.register(plugin, name=name)
        except Exception as exc:  # pluggy.PluginValidationError (bad signature), ValueError
            self._fail(name, distribution, version, "validate", exc)
            return False
        try:
            self._pm.check_pending()  # implementations of hooks that do not exist
        except pluggy.PluginValidationError as exc:
            self._pm.unregister(name=name)
            self._fail(name, distribution, version, "validate", exc)
            return False
        hooks = tuple(sorted(caller.name for caller in self._pm.get_hookcallers(plugin) or ()))
        module_name = getattr(plugin, "__name__", type(plugin).__module__)
        self.plugins[name] = PluginInfo(name, distribution, version, module_name, hooks)
        return True

    def unregister(self, name: str) -> None:
        """Remove a registered plugin (no error if absent)."""
        if self._pm.get_plugin(name) is not None:
            self._pm.unregister(name=name)
        self.plugins.pop(name, None)

    # ------------------------------------------------------------------ hook access
    def hook_implementations(self, hook_name: str) -> list[tuple[str, Any]]:
        """``(plugin_name, function)`` pairs implementing ``hook_name``, in plugin order."""
        caller = getattr(self._pm.hook, hook_name)
        impls = caller.get_hookimpls()
        order = {name: i for i, name in enumerate(self.plugins)}
        pairs = [(impl.plugin_name, impl.function) for impl in impls]
        return sorted(pairs, key=lambda p: order.get(p[0], len(order)))

    def fail_hook(self, plugin_name: str, stage: str, exc: BaseException) -> None:
        """Record a failure of a registered plugin, with its distribution metadata."""
        info = self.plugins.get(plugin_name)
        self._fail(
            plugin_name, info.distribution if info else "", info.version if info else "", stage, exc
        )

    def fail_duplicate(self, plugin_name: str, message: str) -> None:
        """Record that ``plugin_name`` registered a name already taken."""
        info = self.plugins.get(plugin_name)
        failure = PluginFailure(
            plugin_name,
            info.distribution if info else "",
            info.version if info else "",
            "duplicate",
            f"DuplicateNameError: {message}",
        )
        from daqcore.plugins.errors import DuplicateNameError

        self.record_failure(failure, DuplicateNameError(message))


__all__ = [
    "DISABLE_ENV",
    "ENTRY_POINT_GROUP",
    "LOCAL_DISTRIBUTION",
    "PLUGINS_DIR_ENV",
    "STRICT_ENV",
    "PluginFailure",
    "PluginInfo",
    "PluginManager",
    "disabled_from_env",
    "plugin_dirs_from_env",
    "strict_from_env",
]
