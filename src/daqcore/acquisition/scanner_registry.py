"""Scanners by name: the ``daqcore_scanners`` hook, typed parameters, creation.

Scanners are plugins. A plugin module (entry point group ``daqcore``) implements::

    from daqcore.plugins import hookimpl
    from daqcore.acquisition.scanner_registry import ParameterSpec, ScannerSpec

    @hookimpl
    def daqcore_scanners():
        return [ScannerSpec("spiral", make_spiral, "Archimedean spiral",
                            [ParameterSpec("turns", float, 3.0, "number of turns")])]

The built-in scanners (``linear``, ``grid``, ``spread``, ``random``, ``tabular``,
``adaptive``, specs in :mod:`daqcore.acquisition.builtin_scanners`) are registered the same
way, by the first-party plugin :mod:`daqcore_plugins.scanners.plugin`. Then, from Python,
TOML or the command line::

    scanner = create_scanner("grid", {"axes": [[0, 1, 0.1], [0, 2, 0.5]], "order": "snake"})
    scanner = create_scanner("grid", {"axes": "0,1,0.1;0,2,0.5"})      # text is parsed

:func:`create_scanner` raises :class:`~daqcore.acquisition.errors.ScanConfigurationError`
naming an unknown scanner (and the known ones), an unknown or missing parameter, or a value
of the wrong type. A plugin whose hook raises or returns something else than
:class:`ScannerSpec` objects, or that reuses a taken name, is reported like any plugin
failure (``daqcore plugins``) and the other scanners stay available.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # listing plugins must not import numpy / pint / the data layer
    from daqcore.acquisition.scanners import Scanner

from daqcore.acquisition.errors import ScanConfigurationError
from daqcore.acquisition.scanner_params import REQUIRED, ParameterSpec, Table, type_name
from daqcore.plugins.errors import PluginRecordError
from daqcore.plugins.records import normalise_name, resolve

HOOK_NAME = "daqcore_scanners"
BUILTIN_PLUGIN = "daqcore-scanners"
"""Entry point name of the first-party plugin registering the built-in scanners."""
BUILTIN_MODULE = "daqcore_plugins.scanners.plugin"
"""Its module."""


@dataclass(frozen=True, init=False)
class ScannerSpec:
    """A scanner offered by a plugin.

    Parameters
    ----------
    name : str
        Registry name (normalised to lower case), e.g. ``'grid'``.
    factory : callable or str
        ``factory(**params) -> Scanner``, or an import string ``"package.module:name"``.
    summary : str
        One line for listings.
    parameters : sequence of ParameterSpec, or mapping name -> ParameterSpec
        Every keyword the factory accepts; stored as a ``dict`` by name, in order.
    plugin : str
        Name of the plugin that registered it (filled in by the registry).
    """

    name: str
    factory: Callable[..., Scanner] | str
    summary: str
    parameters: dict[str, ParameterSpec]
    plugin: str

    def __init__(self, name: str, factory: Callable[..., Scanner] | str, summary: str = "",
                 parameters: Iterable[ParameterSpec] | Mapping[str, ParameterSpec] = (), *,
                 plugin: str = "") -> None:
        name = normalise_name(name, "scanner")
        if not factory:
            raise PluginRecordError(f"scanner {name!r} has no factory")
        items = list(parameters.values()) if isinstance(parameters, Mapping) \
            else list(parameters)
        table: dict[str, ParameterSpec] = {}
        for param in items:
            if not isinstance(param, ParameterSpec):
                raise PluginRecordError(
                    f"scanner {name!r}: parameters must be ParameterSpec, got {param!r}")
            if param.name in table:
                raise PluginRecordError(
                    f"scanner {name!r}: parameter {param.name!r} declared twice")
            table[param.name] = param
        for key, value in (("name", name), ("factory", factory), ("summary", str(summary)),
                           ("parameters", table), ("plugin", plugin)):
            object.__setattr__(self, key, value)

    def check_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Every parameter's value: ``params`` checked and completed with the defaults.

        Raises
        ------
        ScanConfigurationError
            Unknown or missing parameter, or a value of the wrong type.
        """
        unknown = sorted(set(params) - set(self.parameters))
        if unknown:
            raise ScanConfigurationError(
                f"scanner {self.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                f"its parameters: {', '.join(self.parameters) or 'none'}")
        values: dict[str, Any] = {}
        for name, param in self.parameters.items():
            if name in params:
                values[name] = param.check(params[name], self.name)
            elif param.required:
                raise ScanConfigurationError(
                    f"scanner {self.name!r} needs parameter {name!r} "
                    f"({type_name(param.type)}{': ' + param.help if param.help else ''})")
            else:
                values[name] = param.default
        return values

    def create(self, params: Mapping[str, Any] | None = None) -> Scanner:
        """Check ``params`` and build the scanner."""
        from daqcore.acquisition.scanners import Scanner

        values = self.check_params(params or {})
        factory = resolve(self.factory)
        scanner = factory(**values)
        if not isinstance(scanner, Scanner):
            raise ScanConfigurationError(
                f"scanner {self.name!r} (plugin {self.plugin or '?'}) built a "
                f"{type(scanner).__name__}, not a daqcore Scanner")
        return scanner


_cache: weakref.WeakKeyDictionary[Any, dict[str, ScannerSpec]] = weakref.WeakKeyDictionary()


def _implementations(manager: Any) -> list[tuple[str, Callable[..., Any]]]:
    impls: list[tuple[str, Callable[..., Any]]] = list(manager.hook_implementations(HOOK_NAME))
    loaded = any(info.module == BUILTIN_MODULE for info in manager.plugins.values())
    if not loaded and BUILTIN_PLUGIN not in manager.disabled:
        # a registry built without entry points (tests, scripts) still knows the built-ins
        from daqcore_plugins.scanners import plugin

        impls.insert(0, (BUILTIN_PLUGIN, plugin.daqcore_scanners))
    return impls


def _collect(registry: Any) -> dict[str, ScannerSpec]:
    manager = registry.manager
    specs: dict[str, ScannerSpec] = {}
    for plugin_name, function in _implementations(manager):
        try:
            offered = list(function() or ())
            for spec in offered:
                if not isinstance(spec, ScannerSpec):
                    raise PluginRecordError(
                        f"{HOOK_NAME} must return ScannerSpec objects, got {spec!r}")
        except Exception as exc:  # the plugin's hook failed: none of its scanners is kept
            manager.fail_hook(plugin_name, "hook", exc)
            continue
        for spec in offered:
            if spec.name in specs:
                manager.fail_duplicate(
                    plugin_name,
                    f"scanner name {spec.name!r} is already registered by plugin "
                    f"{specs[spec.name].plugin!r}; plugin {plugin_name!r} cannot register it "
                    "too (report it to the plugin authors)")
                continue
            specs[spec.name] = ScannerSpec(spec.name, spec.factory, spec.summary,
                                           spec.parameters, plugin=plugin_name)
    return specs


def available_scanners(registry: Any = None) -> dict[str, ScannerSpec]:
    """Every registered scanner, by name (sorted).

    Parameters
    ----------
    registry : daqcore.plugins.Registry, optional
        Defaults to the process-wide :func:`~daqcore.plugins.get_registry`.
    """
    if registry is None:
        from daqcore.plugins import get_registry

        registry = get_registry()
    specs = _cache.get(registry)
    if specs is None:
        specs = _cache[registry] = _collect(registry)
    return dict(sorted(specs.items()))


def get_scanner_spec(name: str, registry: Any = None) -> ScannerSpec:
    """The :class:`ScannerSpec` registered as ``name`` (case-insensitive).

    Raises
    ------
    ScanConfigurationError
        Unknown name; the message lists the known scanners.
    """
    specs = available_scanners(registry)
    key = name.strip().lower() if isinstance(name, str) else name
    spec = specs.get(key)
    if spec is None:
        raise ScanConfigurationError(
            f"unknown scanner {name!r}; known scanners: {', '.join(specs) or 'none'}")
    return spec


def create_scanner(name: str, params: Mapping[str, Any] | None = None, *,
                   registry: Any = None) -> Scanner:
    """Build the scanner registered as ``name`` from ``params``.

    Parameters
    ----------
    name : str
        A key of :func:`available_scanners`.
    params : mapping
        Parameter values: Python values of the declared types, or text (``"0,1,0.1"``)
        parsed by :meth:`ParameterSpec.parse`.
    registry : daqcore.plugins.Registry, optional
        Defaults to the process-wide registry.

    Raises
    ------
    ScanConfigurationError
        Unknown scanner, unknown / missing parameter, wrong type.
    ScannerError
        The scanner refused the values (zero step, empty table...).
    """
    return get_scanner_spec(name, registry).create(params or {})


__all__ = [
    "BUILTIN_PLUGIN",
    "HOOK_NAME",
    "REQUIRED",
    "ParameterSpec",
    "ScannerSpec",
    "Table",
    "available_scanners",
    "create_scanner",
    "get_scanner_spec",
]
