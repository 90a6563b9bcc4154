"""Remote instruments on the Director side: ordinary daqcore Detectors and Actuators.

:func:`connect` asks an Actor (served by ``daqcore serve``) what it serves and returns a
:class:`RemoteDetector` or :class:`RemoteActuator` built for it: the class carries the remote
instrument's dims, hardware averaging, units and settings tree, and its backend is ``leco``.
Everything else is the daqcore contract, so ``Scan``, ``Logger``, the CLI and the dashboard use
remote instruments like local ones:

* settings changed locally are validated locally (the tree is the remote one, limits included)
  and sent to the Actor; the Actor validates again and its refusal is raised here;
* ``grab_data`` returns the remote DataToExport decoded from PyMoDAQ's serializer format, with
  units, axes and error bars;
* an Actor that does not answer within ``timeout`` seconds raises
  :class:`~daqcore.remote.errors.RemoteTimeoutError` (a scan then ends ``failed`` naming the
  instrument, its file closed with what was measured);
* an unreachable Coordinator raises
  :class:`~daqcore.remote.errors.CoordinatorUnreachableError` in :func:`connect`, before
  anything moves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from daqcore.data import DataDim, DataToExport
from daqcore.data.serialization import deserialize
from daqcore.instruments import Actuator, Detector, Setting
from daqcore.instruments.backends import Backend
from daqcore.remote.errors import RemoteError, RemoteInstrumentError
from daqcore.remote.link import ActorLink

#: The backend of every remote instrument: needs pyleco, available when it is installed.
LECO = Backend("leco", "instrument served by a LECO Actor (daqcore serve)",
               requires=("pyleco",))


def _writable_leaves(root: Setting) -> dict[str, Any]:
    return {s.path: s.value for s in root.walk()
            if s.type != "group" and not s.readonly and s.parent is not None}


class _RemoteInstrument:
    """What remote detectors and actuators share: the link and the settings round trip."""

    link: ActorLink
    settings: Setting
    title: str

    def _push_settings(self) -> None:
        self.link.call("set_settings", values=_writable_leaves(self.settings))

    def commit_settings(self, setting: Setting) -> None:
        """Send a changed setting to the Actor (which validates it again)."""
        if setting.type != "group" and not setting.readonly:
            self.link.call("set_settings", values={setting.path: setting.value})

    def _release(self) -> None:
        try:
            self.link.call("release")
        except RemoteError:
            pass  # the Actor is gone: nothing left to release there
        finally:
            self.link.close()


class RemoteDetector(_RemoteInstrument, Detector):
    """A detector served by a LECO Actor (create it with :func:`connect`)."""

    backends: ClassVar[tuple[Backend, ...]] = (LECO,)
    live_mode_available: ClassVar[bool] = True

    def __init__(self, link: ActorLink, *, title: str | None = None, **settings: Any) -> None:
        self.link = link
        super().__init__("leco", title=title or link.actor, **settings)

    @classmethod
    def _common_params(cls) -> list[Setting]:
        return []  # the remote tree already holds the detector's common settings

    def _ini_detector(self) -> str:
        self._push_settings()
        return f"{self.link.call('initialise')} (LECO actor {self.link.where})"

    def _grab_data(self, naverage: int) -> DataToExport:
        _, frames = self.link.call("grab", binary=True, naverage=int(naverage))
        if not frames:
            raise RemoteInstrumentError(f"{self.link.where}: grab returned no data frame")
        data = deserialize(bytes(frames[0]))
        if not isinstance(data, DataToExport):
            raise RemoteInstrumentError(f"{self.link.where}: grab returned "
                                        f"{type(data).__name__}, not a DataToExport")
        return data

    def _stop(self) -> None:
        self.link.call("stop")

    def _close(self) -> None:
        self._release()


class RemoteActuator(_RemoteInstrument, Actuator):
    """An actuator served by a LECO Actor (create it with :func:`connect`)."""

    backends: ClassVar[tuple[Backend, ...]] = (LECO,)
    poll_interval: ClassVar[float] = 0.02  # each position read is a network round trip

    def __init__(self, link: ActorLink, *, title: str | None = None, **settings: Any) -> None:
        self.link = link
        super().__init__("leco", title=title or link.actor, **settings)

    @classmethod
    def _common_params(cls) -> list[Setting]:
        return []  # the remote tree already holds the actuator's common settings

    def _ini_actuator(self) -> str:
        self._push_settings()
        return f"{self.link.call('initialise')} (LECO actor {self.link.where})"

    def _move_abs(self, value: float) -> None:
        self.link.call("move_abs", value=float(value))

    def _get_actuator_value(self) -> float:
        return float(self.link.call("value"))

    def _stop_motion(self) -> None:
        self.link.call("stop")

    def _move_home(self) -> None:
        self.link.call("move_home")

    def _close(self) -> None:
        self._release()


def _remote_class(base: type, description: Mapping[str, Any]) -> type:
    """A subclass of ``base`` carrying what the Actor told about its instrument."""
    tree = Setting.from_dict(description["settings"])
    attributes: dict[str, Any] = {
        "params": tuple(tree.children),
        "__doc__": f"Remote {description['kind']} {description['instrument']!r} over LECO.",
    }
    if base is RemoteDetector:
        attributes["dims"] = tuple(DataDim[name] for name in description.get("dims", ()))
        attributes["hardware_averaging"] = bool(description.get("hardware_averaging"))
    else:
        attributes["units"] = str(description.get("units", ""))
    return type(f"Remote_{description['instrument']}", (base,), attributes)


def connect(actor: str, coordinator: str | None = None, *, timeout: float = 5.0,
            title: str | None = None, **settings: Any) -> RemoteDetector | RemoteActuator:
    """Connect to the instrument served by the LECO Actor ``actor``.

    Parameters
    ----------
    actor : str
        Name given to ``daqcore serve ... --name``.
    coordinator : str, optional
        ``HOST:PORT`` of the Coordinator (default ``localhost:12300``).
    timeout : float
        Seconds to wait for each answer of the Actor.
    title : str, optional
        Local name of the instrument (default: the actor's name).
    **settings
        Initial setting values, sent to the Actor at initialisation.

    Returns
    -------
    RemoteDetector or RemoteActuator
        Not initialised yet (call ``ini_detector()`` / ``ini_actuator()`` or use ``with``).

    Raises
    ------
    CoordinatorUnreachableError, ActorNotFoundError, RemoteTimeoutError
        Nothing answers at that address, the Coordinator does not know ``actor``, or the
        Actor does not answer.
    """
    link = ActorLink(actor, coordinator, timeout=timeout)
    try:
        description = link.call("describe")
        base = RemoteDetector if description["kind"] == "detector" else RemoteActuator
        klass = _remote_class(base, description)
        return klass(link, title=title, **settings)
    except BaseException:
        link.close()
        raise


__all__ = ["LECO", "RemoteActuator", "RemoteDetector", "connect"]
