"""Dashboard presets: which detectors and actuators to open, on which backend, with which settings.

A preset is plain data (no Qt), saved as TOML::

    title = "optics bench"

    [[detectors]]
    name = "camera"            # module title in the dashboard (unique)
    instrument = "mock_2d"     # registry name (see ``daqcore plugins``)
    backend = "sim"            # or "real"
    init = true                # initialise when the preset is loaded
    [detectors.settings]
    nx = 128

    [[actuators]]
    name = "x"
    instrument = "mock_x"

    [saving]                   # optional: the saving settings (see SavingOptions)
    base_path = "daqcore_data"

Loading never imports an instrument: a preset naming an instrument that is not installed
loads, and the dashboard shows that module as unavailable.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from daqcore.gui.errors import PresetError

ModuleKind = Literal["detector", "actuator"]
_MODULE_KEYS = {"name", "instrument", "backend", "init", "settings"}
_TOP_KEYS = {"title", "detectors", "actuators", "saving"}


@dataclass
class ModuleSpec:
    """One detector or actuator module of a preset.

    Attributes
    ----------
    name : str
        Title of the module (unique in the preset); also the instrument's ``title``.
    instrument : str
        Registry name of the instrument (``mock_2d``...).
    kind : {'detector', 'actuator'}
    backend : str
        ``sim``, ``real``...
    init : bool
        Initialise the instrument when the preset is loaded.
    settings : dict
        Setting values by name or ``a/b`` path, applied at creation.
    """

    name: str
    instrument: str
    kind: ModuleKind
    backend: str = "sim"
    init: bool = True
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The TOML table of this module."""
        out: dict[str, Any] = {"name": self.name, "instrument": self.instrument,
                               "backend": self.backend, "init": self.init}
        if self.settings:
            out["settings"] = dict(self.settings)
        return out


@dataclass
class Preset:
    """A dashboard setup: detector and actuator modules plus saving options."""

    title: str = ""
    detectors: list[ModuleSpec] = field(default_factory=list)
    actuators: list[ModuleSpec] = field(default_factory=list)
    saving: dict[str, Any] = field(default_factory=dict)

    @property
    def modules(self) -> list[ModuleSpec]:
        """Actuators then detectors."""
        return [*self.actuators, *self.detectors]

    def add(self, spec: ModuleSpec) -> ModuleSpec:
        """Append a module; its name must be new in the preset."""
        if any(m.name == spec.name for m in self.modules):
            raise PresetError(f"preset already has a module named {spec.name!r}")
        (self.detectors if spec.kind == "detector" else self.actuators).append(spec)
        return spec

    def unique_name(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``... whichever is not used yet."""
        taken = {m.name for m in self.modules}
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        return name

    # ------------------------------------------------------------------ dict / TOML
    def to_dict(self) -> dict[str, Any]:
        """The preset as a TOML-ready dict."""
        out: dict[str, Any] = {}
        if self.title:
            out["title"] = self.title
        if self.saving:
            out["saving"] = dict(self.saving)
        out["actuators"] = [m.to_dict() for m in self.actuators]
        out["detectors"] = [m.to_dict() for m in self.detectors]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "preset") -> Preset:
        """Build and check a preset from its dict (``source`` names it in errors)."""
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            raise PresetError(f"{source}: unknown key(s) {unknown}; allowed: {sorted(_TOP_KEYS)}")
        title = data.get("title", "")
        if not isinstance(title, str):
            raise PresetError(f"{source}: 'title' must be a string, got {title!r}")
        saving = data.get("saving", {})
        if not isinstance(saving, Mapping):
            raise PresetError(f"{source}: [saving] must be a table, got {saving!r}")
        preset = cls(title=title, saving=dict(saving))
        kinds: tuple[tuple[str, ModuleKind], ...] = (("actuators", "actuator"),
                                                     ("detectors", "detector"))
        for key, kind in kinds:
            entries = data.get(key, [])
            if not isinstance(entries, list):
                raise PresetError(f"{source}: '{key}' must be an array of tables ([[{key}]])")
            for position, entry in enumerate(entries):
                where = f"{source}: {key}[{position}]"
                try:
                    preset.add(_module_from_dict(entry, kind, where))
                except PresetError as exc:
                    raise PresetError(str(exc) if str(exc).startswith(source)
                                      else f"{where}: {exc}") from None
        return preset

    def to_toml(self) -> str:
        """The preset as TOML text (read back by :func:`load_preset`)."""
        return dumps_toml(self.to_dict())


def _module_from_dict(entry: Any, kind: ModuleKind, where: str) -> ModuleSpec:
    if not isinstance(entry, Mapping):
        raise PresetError(f"{where} must be a table, got {entry!r}")
    unknown = sorted(set(entry) - _MODULE_KEYS)
    if unknown:
        raise PresetError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_MODULE_KEYS)}")
    instrument = entry.get("instrument")
    if not isinstance(instrument, str) or not instrument:
        raise PresetError(f"{where}: 'instrument' (a registry name such as 'mock_0d') is missing")
    name = entry.get("name", instrument)
    backend = entry.get("backend", "sim")
    init = entry.get("init", True)
    settings = entry.get("settings", {})
    if not isinstance(name, str) or not name.strip():
        raise PresetError(f"{where}: 'name' must be a non-empty string, got {name!r}")
    if not isinstance(backend, str) or not backend:
        raise PresetError(f"{where}: 'backend' must be a string such as 'sim', got {backend!r}")
    if not isinstance(init, bool):
        raise PresetError(f"{where}: 'init' must be true or false, got {init!r}")
    if not isinstance(settings, Mapping):
        raise PresetError(f"{where}: 'settings' must be a table, got {settings!r}")
    return ModuleSpec(name.strip(), instrument, kind, backend, init, dict(settings))


def load_preset(path: str | Path) -> Preset:
    """Read a preset file.

    Raises
    ------
    PresetError
        The file is missing, unreadable, not TOML, or holds a bad entry (named).
    """
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PresetError(f"preset file {str(p)!r} does not exist") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PresetError(f"cannot read preset file {str(p)!r}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"preset file {str(p)!r} is not valid TOML: {exc}") from exc
    return Preset.from_dict(data, source=f"preset {p.name!r}")


def save_preset(preset: Preset, path: str | Path) -> Path:
    """Write ``preset`` as TOML to ``path`` (parents created); returns the path."""
    p = Path(path)
    text = preset.to_toml()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PresetError(f"cannot write preset file {str(p)!r}: {exc}") from exc
    return p


# ---------------------------------------------------------------------- a small TOML writer
def _toml_key(key: str) -> str:
    plain = key.replace("_", "a").replace("-", "a")
    return key if key and plain.isascii() and plain.isalnum() else _toml_string(key)


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'


def _toml_value(value: Any, where: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v, where) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v, where)}"
                          for k, v in value.items())
        return "{" + items + "}"
    raise PresetError(f"{where}: cannot write {value!r} ({type(value).__name__}) to TOML")


def dumps_toml(data: Mapping[str, Any]) -> str:
    """TOML text of a preset-shaped dict: scalars, tables and arrays of tables of scalars."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    arrays: list[tuple[str, list[Mapping[str, Any]]]] = []
    for key, value in data.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            arrays.append((key, value))
        elif isinstance(value, list) and not value:
            continue
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value, key)}")
    for key, table in tables:
        lines += ["", f"[{_toml_key(key)}]"]
        lines += [f"{_toml_key(str(k))} = {_toml_value(v, key)}" for k, v in table.items()]
    for key, entries in arrays:
        for entry in entries:
            lines += ["", f"[[{_toml_key(key)}]]"]
            sub = [(k, v) for k, v in entry.items() if isinstance(v, Mapping)]
            lines += [f"{_toml_key(str(k))} = {_toml_value(v, key)}"
                      for k, v in entry.items() if not isinstance(v, Mapping)]
            for sub_key, sub_table in sub:
                lines.append(f"[{_toml_key(key)}.{_toml_key(str(sub_key))}]")
                lines += [f"{_toml_key(str(k))} = {_toml_value(v, key)}"
                          for k, v in sub_table.items()]
    return "\n".join(lines).lstrip("\n") + "\n"


__all__ = ["ModuleKind", "ModuleSpec", "Preset", "dumps_toml", "load_preset", "save_preset"]
