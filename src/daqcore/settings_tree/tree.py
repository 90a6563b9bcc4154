"""A typed settings tree for instruments, serialisable to dict/JSON and to PyMoDAQ-like XML.

A :class:`Setting` is one node: a name, a type (``group``, ``int``, ``float``, ``str``,
``bool``, ``list``), a value, and optional limits, units, choices, read-only flag, tooltip
and children. Values are validated on every write: a refused value raises
:class:`~daqcore.instruments.errors.SettingValueError` naming the setting and the value, and
the old value is kept. The tree is plain Python (no Qt), so a dashboard renders it from
:meth:`Setting.to_dict` and writes back through :meth:`Setting.set_value`.

The type names and the dictionary keys accepted by :meth:`Setting.from_dict` follow PyMoDAQ's
parameter dictionaries (``title``, ``name``, ``type``, ``value``, ``limits``, ``suffix``,
``readonly``, ``tip``, ``children``), so ``params = [...]`` lists written for PyMoDAQ
plugins mostly work as they are. :meth:`Setting.to_xml` writes the same element layout as
PyMoDAQ's parameter XML (one element per setting, tag = name, attributes ``type``,
``title``, ``value``...), which the saving layer stores as the ``settings`` attribute.
"""

from __future__ import annotations

import json
import math
import numbers
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from daqcore.settings_tree import xml_form
from daqcore.settings_tree.errors import (
    ReadOnlySettingError,
    SettingNotFoundError,
    SettingsDefinitionError,
    SettingValueError,
)
from daqcore.settings_tree.text import TEXT_TYPES as _TEXT_TYPES
from daqcore.settings_tree.text import VALUELESS_TYPES as _VALUELESS_TYPES

SETTING_TYPES: tuple[str, ...] = ("group", "int", "float", "str", "bool", "list", "text",
                                   "browsepath", "action")
"""The setting types understood by :class:`Setting` (PyMoDAQ's names). ``text`` (multi-line)
and ``browsepath`` (a path) hold a ``str``; an ``action`` is a button: no value, no children."""

_DEFAULTS: dict[str, Any] = {"int": 0, "float": 0.0, "str": "", "text": "", "browsepath": "",
                             "bool": False}


def _same(a: Any, b: Any) -> bool:
    """Equality where NaN equals NaN (a ``list`` setting may offer NaN as a choice)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a is b or bool(a == b)

ChangeCallback = Callable[["Setting", Any, Any], None]
"""Called as ``callback(setting, old_value, new_value)`` after a value changed."""


def _is_valid_name(name: str) -> bool:
    plain = name.replace("_", "a").replace("-", "a")
    return bool(name) and plain.isalnum() and plain.isascii() and not name[0].isdigit()


class Setting:
    """One node of a settings tree.

    Parameters
    ----------
    name : str
        Identifier of the setting, unique among its siblings (letters, digits, ``_``, ``-``).
    type : str
        One of ``SETTING_TYPES``. ``group`` nodes hold children and no value.
    value : object, optional
        Initial value, validated like any later write. Defaults to 0, 0.0, '', False, or
        the first choice of a ``list`` setting.
    title : str, optional
        Human-readable label (defaults to ``name``).
    limits : (min, max), optional
        Inclusive bounds of an ``int``/``float`` setting; either may be None.
    units : str
        Units of a numeric value, e.g. ``'mm'`` (PyMoDAQ's ``suffix``).
    choices : sequence, optional
        The allowed values of a ``list`` setting.
    readonly : bool
        Refuse writes through :meth:`set_value` unless ``force=True`` (the instrument itself
        uses ``force`` to report read-back values).
    tip : str
        Tooltip / one-line description.
    visible : bool
        Whether a dashboard shows the setting (PyMoDAQ's ``visible``); values work either way.
    children : iterable of Setting or dict
        Child settings of a ``group``.
    """

    def __init__(
        self,
        name: str,
        type: str = "float",
        value: Any = None,
        *,
        title: str | None = None,
        limits: Sequence[float | None] | None = None,
        units: str = "",
        choices: Sequence[Any] | None = None,
        readonly: bool = False,
        tip: str = "",
        visible: bool = True,
        children: Iterable[Setting | Mapping[str, Any]] = (),
    ) -> None:
        if not isinstance(name, str) or not _is_valid_name(name):
            raise SettingsDefinitionError(
                f"invalid setting name {name!r}: use letters, digits, '_' or '-', "
                "not starting with a digit"
            )
        if type not in SETTING_TYPES:
            raise SettingsDefinitionError(
                f"setting {name!r}: unknown type {type!r}; expected one of {SETTING_TYPES}"
            )
        self.name = name
        self.type = type
        self.title = title if title is not None else name
        self.units = units
        self.readonly = bool(readonly)
        self.tip = tip
        self.visible = bool(visible)
        self.parent: Setting | None = None
        self._callbacks: list[ChangeCallback] = []
        self._children: dict[str, Setting] = {}
        self.limits: tuple[float | None, float | None] | None = None
        self.choices: tuple[Any, ...] | None = None
        if limits is not None:
            if type not in ("int", "float") or len(limits) != 2:
                raise SettingsDefinitionError(
                    f"setting {name!r}: limits must be a (min, max) pair on an int/float setting"
                )
            low, high = (None if b is None or math.isinf(b) else b for b in limits)
            if low is not None and high is not None and low > high:
                raise SettingsDefinitionError(f"setting {name!r}: limits {limits!r} have min > max")
            self.limits = (low, high)
        if type == "list":
            if not choices:
                raise SettingsDefinitionError(f"list setting {name!r} needs a non-empty choices")
            self.choices = tuple(choices)
        elif choices is not None:
            raise SettingsDefinitionError(f"setting {name!r}: choices only apply to a 'list'")
        if type != "group" and children:
            raise SettingsDefinitionError(f"setting {name!r} of type {type!r} cannot have children")
        for child in children:
            self.add_child(child)
        if type in _VALUELESS_TYPES:
            if value is not None:
                raise SettingsDefinitionError(f"{type} {name!r} cannot hold a value")
            self._value: Any = None
        else:
            if value is None:
                value = (self.choices or (None,))[0] if type == "list" else _DEFAULTS[type]
            try:
                self._value = self.validate(value)
            except SettingValueError as exc:
                raise SettingsDefinitionError(f"bad default value: {exc}") from exc

    # ------------------------------------------------------------------ structure
    def add_child(self, child: Setting | Mapping[str, Any]) -> Setting:
        """Append a child (a :class:`Setting` or a PyMoDAQ-style dict) to this group."""
        if self.type != "group":
            raise SettingsDefinitionError(f"setting {self.name!r} is not a group")
        if not isinstance(child, Setting):
            child = Setting.from_dict(child)
        if child.name in self._children:
            raise SettingsDefinitionError(
                f"group {self.name!r} already has a child named {child.name!r}"
            )
        child.parent = self
        self._children[child.name] = child
        return child

    @property
    def children(self) -> list[Setting]:
        """The direct children, in declaration order."""
        return list(self._children.values())

    def child(self, *names: str) -> Setting:
        """Return the descendant reached by ``names`` (each may also be an ``a/b`` path)."""
        parts = [p for name in names for p in name.split("/") if p]
        node = self
        for depth, part in enumerate(parts):
            if part not in node._children:
                where = "/".join(parts[:depth]) or "(root)"
                known = ", ".join(node._children) or "none"
                raise SettingNotFoundError(
                    f"no setting {part!r} under {where!r} of {self.name!r}; known: {known}"
                )
            node = node._children[part]
        return node

    def __getitem__(self, path: str | tuple[str, ...]) -> Any:
        """``settings['bounds/max_bound']`` (or PyMoDAQ's ``settings['bounds', 'max_bound']``)
        returns the value of that setting."""
        return self.child(*_parts(path)).value

    def __setitem__(self, path: str | tuple[str, ...], value: Any) -> None:
        self.child(*_parts(path)).set_value(value)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        try:
            self.child(path)
        except SettingNotFoundError:
            return False
        return True

    def walk(self) -> Iterator[Setting]:
        """Yield this node and every descendant, depth first."""
        yield self
        for child in self._children.values():
            yield from child.walk()

    @property
    def path(self) -> str:
        """``a/b/c`` path from the root (the root's own name excluded)."""
        parts: list[str] = []
        node: Setting | None = self
        while node is not None and node.parent is not None:
            parts.append(node.name)
            node = node.parent
        return "/".join(reversed(parts))

    # ------------------------------------------------------------------ values
    @property
    def value(self) -> Any:
        """The current value (None for a group)."""
        return self._value

    @value.setter
    def value(self, new: Any) -> None:
        self.set_value(new)

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this setting's type, or raise SettingValueError."""
        kind = self.type
        where = f"setting {self.path or self.name!r}"
        if kind in _VALUELESS_TYPES:
            raise SettingValueError(f"{where} is a {kind} and holds no value")
        if kind == "bool":
            if isinstance(value, bool) or type(value).__name__ == "bool_":
                return bool(value)
            raise SettingValueError(f"{where} expects a bool, got {value!r}")
        if kind in _TEXT_TYPES:
            if isinstance(value, str):
                return value
            raise SettingValueError(f"{where} expects a str, got {value!r}")
        if kind == "list":
            assert self.choices is not None
            for choice in self.choices:
                if _same(value, choice):
                    return choice
            raise SettingValueError(f"{where}: {value!r} is not one of {list(self.choices)!r}")
        # numeric
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise SettingValueError(f"{where} expects a number ({kind}), got {value!r}")
        if kind == "int":
            if isinstance(value, numbers.Integral):
                value = int(value)
            elif math.isfinite(value) and float(value).is_integer():
                value = int(float(value))
            else:
                raise SettingValueError(f"{where} expects an integer, got {value!r}")
        else:
            value = float(value)
            if math.isnan(value):
                raise SettingValueError(f"{where} refuses NaN ({value!r})")
        if self.limits is not None:
            low, high = self.limits
            if (low is not None and value < low) or (high is not None and value > high):
                raise SettingValueError(
                    f"{where}: {value!r} is outside the limits [{low}, {high}]"
                    + (f" {self.units}" if self.units else "")
                )
        return value

    def set_value(self, value: Any, *, force: bool = False) -> Any:
        """Validate and store ``value``; notify subscribers if it changed.

        Parameters
        ----------
        value : object
            The new value.
        force : bool
            Allow writing a read-only setting (for the instrument reporting a read-back).

        Returns
        -------
        object
            The stored (converted) value.
        """
        if self.readonly and not force:
            raise ReadOnlySettingError(f"setting {self.path or self.name!r} is read-only")
        new = self.validate(value)
        old = self._value
        self._value = new
        if not _same(old, new):
            self._notify(self, old, new)
        return new

    def setValue(self, value: Any) -> Any:
        """PyMoDAQ's ``Parameter.setValue``: code may write any setting, read-only or not
        (``readonly`` only locks the dashboard's editor)."""
        return self.set_value(value, force=True)

    def activate(self) -> None:
        """Press an ``action`` setting: subscribers are called with ``(setting, None, None)``."""
        if self.type != "action":
            raise SettingValueError(f"setting {self.path or self.name!r} is not an action")
        self._notify(self, None, None)

    def subscribe(self, callback: ChangeCallback) -> None:
        """Call ``callback(setting, old, new)`` after any value in this subtree changed."""
        self._callbacks.append(callback)

    def unsubscribe(self, callback: ChangeCallback) -> None:
        """Remove a callback added with :meth:`subscribe` (no error if absent)."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def _notify(self, setting: Setting, old: Any, new: Any) -> None:
        for callback in list(self._callbacks):
            callback(setting, old, new)
        if self.parent is not None:
            self.parent._notify(setting, old, new)

    def values(self) -> dict[str, Any]:
        """Nested ``{name: value}`` dict of this group's subtree (a leaf returns its value)."""
        return {
            c.name: (c.values() if c.type == "group" else c.value)
            for c in self._children.values() if c.type != "action"
        }

    def update(self, values: Mapping[str, Any], *, force: bool = False) -> None:
        """Set several values at once: all are validated first, none is written on error.

        ``values`` is a nested dict (as :meth:`values` returns) or a flat dict of ``a/b`` paths.
        """
        pending: list[tuple[Setting, Any]] = []

        def collect(node: Setting, mapping: Mapping[str, Any]) -> None:
            for key, val in mapping.items():
                target = node.child(key)
                if target.type in _VALUELESS_TYPES:
                    if not isinstance(val, Mapping):
                        raise SettingValueError(
                            f"group {target.path!r} expects a dict, got {val!r}"
                        )
                    collect(target, val)
                else:
                    if target.readonly and not force:
                        raise ReadOnlySettingError(f"setting {target.path!r} is read-only")
                    pending.append((target, target.validate(val)))

        collect(self, values)
        for target, val in pending:
            target.set_value(val, force=True)

    # ------------------------------------------------------------------ dict / JSON
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the subtree (everything a dashboard needs to render it)."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "title": self.title}
        if self.type not in _VALUELESS_TYPES:
            out["value"] = self._value
        if self.limits is not None:
            out["limits"] = list(self.limits)
        if self.choices is not None:
            out["choices"] = list(self.choices)
        if self.units:
            out["units"] = self.units
        if self.readonly:
            out["readonly"] = True
        if self.tip:
            out["tip"] = self.tip
        if not self.visible:
            out["visible"] = False
        if self.type == "group":
            out["children"] = [c.to_dict() for c in self._children.values()]
        return out

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any]) -> Setting:
        """Build a setting from :meth:`to_dict` output or a PyMoDAQ parameter dict.

        PyMoDAQ aliases are accepted: ``suffix`` for ``units``, ``limits`` holding the
        choices of a ``list`` setting (a ``{label: value}`` dict gives its values), ``min`` /
        ``max`` for the limits of a number, ``tooltip`` for ``tip``; other keys PyMoDAQ uses
        only for display (``removable``, ``show_pb``, ``siPrefix``...) are ignored.
        """
        if "name" not in spec:
            raise SettingsDefinitionError(f"setting dict without a 'name': {dict(spec)!r}")
        kind = spec.get("type", "group" if "children" in spec else "float")
        limits = spec.get("limits")
        choices = spec.get("choices")
        if kind == "list" and choices is None:
            choices, limits = limits, None
        if isinstance(choices, Mapping):
            choices = list(choices.values())
        if limits is None and ("min" in spec or "max" in spec):
            limits = (spec.get("min"), spec.get("max"))
        return cls(
            spec["name"],
            kind,
            spec.get("value"),
            title=spec.get("title"),
            limits=limits,
            units=spec.get("units", spec.get("suffix", "")) or "",
            choices=choices,
            readonly=bool(spec.get("readonly", False)),
            tip=spec.get("tip", spec.get("tooltip", "")) or "",
            visible=bool(spec.get("visible", True)),
            children=spec.get("children", ()) or (),
        )

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as a JSON string (``kwargs`` go to :func:`json.dumps`)."""
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> Setting:
        """Inverse of :meth:`to_json`."""
        try:
            spec = json.loads(text)
        except ValueError as exc:
            raise SettingsDefinitionError(f"not a settings JSON document: {exc}") from exc
        if not isinstance(spec, Mapping):
            raise SettingsDefinitionError(f"settings JSON must be an object, got {spec!r}")
        return cls.from_dict(spec)

    # ------------------------------------------------------------------ XML
    def to_xml_element(self) -> ET.Element:
        """This subtree as an :class:`xml.etree.ElementTree.Element` in PyMoDAQ's parameter
        XML layout (see ``daqcore.settings_tree.xml_form``)."""
        return xml_form.to_element(self)

    def to_xml(self) -> str:
        """The subtree as an XML string (stored by the saving layer as ``settings``)."""
        return ET.tostring(self.to_xml_element(), encoding="unicode")

    @classmethod
    def from_xml(cls, text: str | ET.Element) -> Setting:
        """Rebuild a tree written by :meth:`to_xml` (or by PyMoDAQ, for the same types).

        Attribute values are parsed with :func:`ast.literal_eval`, never ``eval``.
        """
        return xml_form.from_element(cls, xml_form.parse(text))

    # ------------------------------------------------------------------ misc
    def copy(self) -> Setting:
        """An independent copy of the subtree (no subscribers)."""
        return Setting.from_dict(self.to_dict())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Setting):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.type == "group":
            return f"Setting({self.name!r}, 'group', children={list(self._children)})"
        return f"Setting({self.name!r}, {self.type!r}, {self._value!r})"


def _parts(path: str | tuple[str, ...]) -> tuple[str, ...]:
    return (path,) if isinstance(path, str) else tuple(path)


def Settings(
    children: Iterable[Setting | Mapping[str, Any]] = (),
    name: str = "settings",
    title: str | None = None,
) -> Setting:
    """Build the root ``group`` of a settings tree from a list of settings or PyMoDAQ dicts."""
    return Setting(name, "group", title=title or name.capitalize(), children=children)


__all__ = ["SETTING_TYPES", "ChangeCallback", "Setting", "Settings"]
