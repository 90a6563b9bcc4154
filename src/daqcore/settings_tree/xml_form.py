"""A settings tree in PyMoDAQ's parameter XML layout, and back.

One element per setting, tag = name, attributes ``type``, ``title``, ``visible``,
``removable``, ``readonly`` ('1'/'0'), ``limits`` (a Python list literal; the choices of a
``list`` setting), and the value as the element text (bools as '1'/'0'). ``suffix`` (units)
and ``tip`` are added when set. Reading parses literals only, never ``eval``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from daqcore.settings_tree.errors import SettingsDefinitionError
from daqcore.settings_tree.text import (
    TEXT_TYPES,
    VALUELESS_TYPES,
    literal,
    value_from_text,
    value_to_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from daqcore.settings_tree.tree import Setting


def to_element(setting: Setting) -> ET.Element:
    """``setting`` and its subtree as an element."""
    attrs = {
        "type": setting.type,
        "title": setting.title,
        "visible": "1" if setting.visible else "0",
        "removable": "0",
        "readonly": "1" if setting.readonly else "0",
    }
    if setting.units:
        attrs["suffix"] = setting.units
    if setting.tip:
        attrs["tip"] = setting.tip
    if setting.choices is not None:
        attrs["limits"] = repr(list(setting.choices))
    elif setting.limits is not None:
        attrs["limits"] = repr(list(setting.limits))
    element = ET.Element(setting.name, attrs)
    if setting.type not in VALUELESS_TYPES:
        element.text = value_to_text(setting.value)
    for child in setting.children:
        element.append(to_element(child))
    return element


def parse(text: str | ET.Element) -> ET.Element:
    """The root element of an XML string (an element is returned as is)."""
    if not isinstance(text, str):
        return text
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise SettingsDefinitionError(f"not a settings XML document: {exc}") from exc


def from_element(cls: type[Setting], element: ET.Element) -> Setting:
    """Build a ``cls`` tree from an element written by :func:`to_element` (or PyMoDAQ)."""
    kind = element.get("type", "group")
    limits_text = element.get("limits")
    limits: Any = literal(limits_text, element.tag) if limits_text else None
    choices = None
    if kind == "list":
        choices, limits = limits, None
    value = None
    if kind not in VALUELESS_TYPES:
        raw = element.text if element.text is not None else element.get("value")
        if raw is not None or kind in TEXT_TYPES:
            value = value_from_text(raw or "", kind, choices)
    return cls(
        element.tag,
        kind,
        value,
        title=element.get("title"),
        limits=limits,
        units=element.get("suffix", ""),
        choices=choices,
        readonly=element.get("readonly", "0") in ("1", "True", "true"),
        tip=element.get("tip", ""),
        visible=element.get("visible", "1") in ("1", "True", "true"),
        children=[from_element(cls, child) for child in element],
    )


__all__ = ["from_element", "parse", "to_element"]
