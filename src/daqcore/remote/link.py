"""One Director's connection to one Actor through a LECO Coordinator (thin layer over pyleco).

:class:`ActorLink` signs in to the Coordinator (an unreachable Coordinator is an error at once,
not a silent log line), calls the Actor's JSON-RPC methods with a timeout, and turns pyleco's
errors into daqcore's: :class:`~daqcore.remote.errors.RemoteTimeoutError` when the Actor does not
answer (killed, stuck), :class:`~daqcore.remote.errors.ActorNotFoundError` when the Coordinator
does not know it, :class:`~daqcore.remote.errors.RemoteInstrumentError` (or
:class:`~daqcore.remote.errors.RemoteSettingError`) when the remote instrument raised.

pyleco's Communicator is not thread-safe; every call holds a lock, so a scan thread and a GUI
thread may share a link.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from daqcore.remote.address import parse_address
from daqcore.remote.errors import (
    ActorNotFoundError,
    CoordinatorUnreachableError,
    RemoteError,
    RemoteInstrumentError,
    RemoteSettingError,
    RemoteTimeoutError,
)

#: JSON-RPC error code of an exception raised by a daqcore instrument inside an Actor.
INSTRUMENT_ERROR_CODE = -32010
_UNKNOWN_RECEIVER_CODES = (-32092, -32093)  # pyleco's NODE_UNKNOWN, RECEIVER_UNKNOWN


def _pyleco() -> Any:
    try:
        from pyleco.utils.communicator import Communicator
    except ImportError as exc:
        raise RemoteError("remote instruments need pyleco: pip install 'daqcore[remote]'"
                          ) from exc
    return Communicator


class ActorLink:
    """Calls to one LECO Actor.

    Parameters
    ----------
    actor : str
        The Actor's name (``daqcore serve ... --name NAME``), optionally ``namespace.name``.
    coordinator : str, optional
        ``HOST:PORT`` of the Coordinator (default ``localhost:12300``).
    timeout : float
        Seconds to wait for each answer.
    """

    def __init__(self, actor: str, coordinator: str | None = None, *,
                 timeout: float = 5.0) -> None:
        if not actor or not isinstance(actor, str):
            raise RemoteError(f"actor name must be a non-empty string, got {actor!r}")
        if not timeout > 0:
            raise RemoteError(f"timeout must be > 0 s, got {timeout!r}")
        self.actor = actor
        self.host, self.port = parse_address(coordinator)
        self.timeout = float(timeout)
        self._lock = threading.Lock()
        communicator_class = _pyleco()
        self._communicator = communicator_class(
            name=f"daqcore-director-{uuid.uuid4().hex[:8]}", host=self.host, port=self.port,
            timeout=self.timeout, auto_open=True)
        # pyleco logs a failed sign-in at ERROR level; daqcore raises a clear error instead
        self._communicator.log = logging.getLogger("daqcore.remote.pyleco")
        self._communicator.log.setLevel(logging.CRITICAL)
        try:
            self._communicator.sign_in()
        except (ConnectionRefusedError, TimeoutError):
            pass  # reported below, with the address and what to do
        if not self._communicator.namespace:
            self._communicator.socket.close(0)  # no sign-out: nobody is there to answer
            raise CoordinatorUnreachableError(
                f"no LECO Coordinator answered at {self.host}:{self.port} within "
                f"{self.timeout:g} s (start one with `daqcore coordinator --port {self.port}`)")

    @property
    def where(self) -> str:
        """``actor@host:port``, for messages."""
        return f"{self.actor}@{self.host}:{self.port}"

    def call(self, method: str, *, binary: bool = False, **params: Any) -> Any:
        """Call ``method`` on the Actor; with ``binary``, return ``(result, payload frames)``."""
        from pyleco.json_utils.errors import JSONRPCError

        with self._lock:
            try:
                return self._communicator.ask_rpc(
                    self.actor, method=method, timeout=self.timeout,
                    extract_additional_payload=binary, **params)
            except TimeoutError:
                raise RemoteTimeoutError(
                    f"{self.where} did not answer {method!r} within {self.timeout:g} s "
                    "(actor stopped or killed?)") from None
            except JSONRPCError as exc:
                raise self._translate(method, exc) from None

    def _translate(self, method: str, exc: Any) -> RemoteError:
        error = exc.rpc_error
        if error.code in _UNKNOWN_RECEIVER_CODES:
            return ActorNotFoundError(f"the Coordinator at {self.host}:{self.port} knows no "
                                      f"actor {self.actor!r} ({error.message})")
        data = error.data if isinstance(error.data, dict) else {}
        if error.code == INSTRUMENT_ERROR_CODE and data:
            text = f"{self.actor}: {data.get('type', 'Error')}: {data.get('message', '')}"
            if "SettingValueError" in data.get("classes", ()):
                return RemoteSettingError(text)
            return RemoteInstrumentError(text)
        return RemoteInstrumentError(f"{self.where}: {method!r} failed: {error.message}"
                                     + (f" ({error.data})" if error.data else ""))

    def close(self) -> None:
        """Sign out and close the socket (idempotent)."""
        communicator, self._communicator = self._communicator, None
        if communicator is None:
            return
        with self._lock:
            communicator.close()  # signs out first (pyleco)

    def __enter__(self) -> ActorLink:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


__all__ = ["INSTRUMENT_ERROR_CODE", "ActorLink"]
