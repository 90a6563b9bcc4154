"""Serve a daqcore instrument as a LECO Actor.

``InstrumentActor`` is a pyleco ``MessageHandler`` that owns one instrument created
through the plugin registry (mock, Joulescope, PicoScope, third-party) and offers it over
JSON-RPC:

================  =====================================================================
method            what it does
================  =====================================================================
``describe``      kind, registry name, backend, settings tree (``Setting.to_dict``), dims,
                  units, hardware averaging, whether it is initialised
``initialise``    ``ini_detector`` / ``ini_actuator``; returns the info text
``set_settings``  ``{path: value}`` validated all together; returns the settings tree
``grab``          ``grab_data(naverage)``: the DataToExport in PyMoDAQ's serializer format, as
                  a binary frame (units, axes and error bars included)
``stop``          abort an acquisition / stop a motion
``move_abs``      start a motion (actuators); ``value`` reads the position, ``move_home``
``release``       close the instrument; the next ``initialise`` opens a fresh one
================  =====================================================================

An exception of the instrument becomes a JSON-RPC error with code
:data:`~daqcore.remote.link.INSTRUMENT_ERROR_CODE` whose data name its type and the daqcore
error classes it derives from, so the Director re-raises the right daqcore error.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from daqcore.data.serialization import serialize
from daqcore.remote.address import parse_address
from daqcore.remote.errors import RemoteError
from daqcore.remote.link import INSTRUMENT_ERROR_CODE

F = TypeVar("F", bound=Callable[..., Any])


def _as_rpc_error(method: F) -> F:
    """Report an exception of the instrument as a structured JSON-RPC error."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from pyleco.json_utils.errors import JSONRPCError
        from pyleco.json_utils.json_objects import JsonRpcError

        try:
            return method(*args, **kwargs)
        except JSONRPCError:
            raise
        except Exception as exc:
            classes = [k.__name__ for k in type(exc).__mro__ if k is not object]
            raise JSONRPCError(JsonRpcError(
                code=INSTRUMENT_ERROR_CODE, message="daqcore instrument error",
                data={"type": type(exc).__name__, "message": str(exc), "classes": classes},
            )) from exc

    return wrapper  # type: ignore[return-value]


def _message_handler_class() -> Any:
    try:
        from pyleco.utils.message_handler import MessageHandler
    except ImportError as exc:
        raise RemoteError("serving instruments needs pyleco: pip install 'daqcore[remote]'"
                          ) from exc
    return MessageHandler


class _InstrumentHost:
    """The instrument an Actor serves, created (and re-created after release) from the registry."""

    def __init__(self, instrument: str, backend: str, settings: Mapping[str, Any]) -> None:
        from daqcore.plugins import get_registry

        self.registry = get_registry()
        self.record = self.registry.get_instrument(instrument)
        self.instrument_name = instrument
        self.backend = backend
        self.initial_settings = dict(settings)
        self.instrument = self._create()

    def _create(self) -> Any:
        return self.registry.create_instrument(self.instrument_name, self.backend,
                                               **self.initial_settings)

    def fresh(self) -> Any:
        """The instrument, re-created when a previous Director released (closed) it."""
        if self.instrument.is_closed:
            self.instrument = self._create()
        return self.instrument


def make_actor(name: str, instrument: str, *, backend: str = "sim",
               settings: Mapping[str, Any] | None = None, coordinator: str | None = None
               ) -> Any:
    """An ``InstrumentActor`` (a pyleco MessageHandler) serving ``instrument``."""
    handler_class = _message_handler_class()
    host_address, port = parse_address(coordinator)

    class InstrumentActor(handler_class):  # type: ignore[misc, valid-type]
        """A LECO Actor serving one daqcore instrument (see the module documentation)."""

        def __init__(self) -> None:
            self.host = _InstrumentHost(instrument, backend, settings or {})
            super().__init__(name=name, host=host_address, port=port)

        def register_rpc_methods(self) -> None:
            super().register_rpc_methods()
            for method in (self.describe, self.initialise, self.set_settings, self.stop,
                           self.move_abs, self.value, self.move_home, self.release):
                self.register_rpc_method(method)
            self.register_binary_rpc_method(self.grab, return_binary_output=True)

        @property
        def instrument(self) -> Any:
            return self.host.fresh()

        @_as_rpc_error
        def describe(self) -> dict[str, Any]:
            inst = self.instrument
            return {
                "instrument": self.host.instrument_name, "kind": self.host.record.kind,
                "backend": inst.backend, "title": inst.title,
                "settings": inst.settings.to_dict(),
                "dims": [d.name for d in getattr(inst, "dims", ())],
                "units": str(getattr(inst, "units", "")),
                "hardware_averaging": bool(getattr(inst, "hardware_averaging", False)),
                "initialized": bool(inst.is_initialized),
            }

        @_as_rpc_error
        def initialise(self) -> str:
            inst = self.instrument
            if inst.is_initialized:
                return "already initialised"
            return str(inst.ini_detector() if self.host.record.kind == "detector"
                       else inst.ini_actuator())

        @_as_rpc_error
        def set_settings(self, values: dict[str, Any]) -> dict[str, Any]:
            inst = self.instrument
            inst.settings.update(values)
            return dict(inst.settings.to_dict())

        @_as_rpc_error
        def grab(self, naverage: int = 1) -> tuple[None, list[bytes]]:
            return None, [serialize(self.instrument.grab_data(int(naverage)))]

        @_as_rpc_error
        def stop(self) -> None:
            inst = self.instrument
            if self.host.record.kind == "detector":
                inst.stop()
            else:
                inst.stop_motion()

        @_as_rpc_error
        def move_abs(self, value: float) -> None:
            self.instrument.move_abs(float(value), wait=False)

        @_as_rpc_error
        def value(self) -> float:
            return float(self.instrument.current_value)

        @_as_rpc_error
        def move_home(self) -> None:
            self.instrument.move_home(wait=False)

        @_as_rpc_error
        def release(self) -> None:
            self.host.instrument.close()

        def close_instrument(self) -> None:
            self.host.instrument.close()

    return InstrumentActor()


def serve(instrument: str, *, name: str | None = None, backend: str = "sim",
          settings: Mapping[str, Any] | None = None, coordinator: str | None = None,
          stop_event: threading.Event | None = None, publish_interval: float | None = None,
          proxy: str = "localhost", proxy_offset: int = 0) -> None:
    """Serve ``instrument`` as the LECO Actor ``name`` until ``stop_event`` is set (or Ctrl-C).

    With ``publish_interval`` (detectors), the instrument is initialised at once and its data
    published every ``publish_interval`` seconds under the Actor's name through the data
    proxy at ``proxy`` (see :mod:`daqcore.remote.publish`). The instrument is closed when
    serving ends, on every path.
    """
    actor = make_actor(name or instrument, instrument, backend=backend, settings=settings,
                       coordinator=coordinator)
    publisher = None
    try:
        if publish_interval is not None:
            from daqcore.remote.publish import Publisher

            if actor.host.record.kind != "detector":
                raise RemoteError(f"{instrument} is an actuator: only detectors publish data")
            actor.instrument.ini_detector()
            publisher = Publisher(actor.instrument, name or instrument, host=proxy,
                                  offset=proxy_offset, interval=publish_interval).start()
        actor.listen(stop_event=stop_event or threading.Event())
    finally:
        if publisher is not None:
            publisher.stop()
        actor.close_instrument()
        actor.socket.close(1)


__all__ = ["make_actor", "serve"]
