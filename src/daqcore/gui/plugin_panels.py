"""Panels contributed by plugins through the ``daqcore_register_panels`` hook.

Each :class:`~daqcore.plugins.PanelRecord` names a widget factory (usually an import string,
imported only here). The factory is called as ``factory(parent=None, **context)`` with the
context keys its signature accepts (``registry``, ``dashboard``, ``bridge``); a factory that
fails to import or raises gives a panel showing the error instead, and the dashboard goes on.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from qtpy import QtWidgets

from daqcore.gui.status_line import StatusLine, describe_error


@dataclass
class LoadedPanel:
    """A plugin panel and how it loaded."""

    name: str
    title: str
    plugin: str
    widget: QtWidgets.QWidget
    error: str = ""


def _accepted(factory: Callable[..., Any], context: Mapping[str, Any]) -> dict[str, Any]:
    try:
        parameters = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # builtins, C extensions: give nothing extra
        return {}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return dict(context)
    return {k: v for k, v in context.items() if k in parameters}


def error_panel(text: str) -> QtWidgets.QWidget:
    """A widget showing why a panel is missing."""
    widget = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(widget)
    status = StatusLine()
    status.error(text)
    layout.addWidget(status)
    layout.addStretch(1)
    return widget


def load_panel(record: Any, context: Mapping[str, Any]) -> LoadedPanel:
    """Create the widget of one panel record (never raises)."""
    try:
        factory = record.load()
        widget = factory(parent=None, **_accepted(factory, context))
        if not isinstance(widget, QtWidgets.QWidget):
            raise TypeError(f"factory returned {type(widget).__name__}, not a QWidget")
    except Exception as exc:
        text = f"panel {record.name!r} of plugin {record.plugin!r} failed: {describe_error(exc)}"
        return LoadedPanel(record.name, record.title, record.plugin, error_panel(text), text)
    return LoadedPanel(record.name, record.title, record.plugin, widget)


def load_panels(registry: Any, context: Mapping[str, Any]) -> list[LoadedPanel]:
    """Every registered panel, sorted by name."""
    return [load_panel(record, context) for _, record in sorted(registry.panels.items())]


__all__ = ["LoadedPanel", "error_panel", "load_panel", "load_panels"]
