"""Acquisition records: the plain documents an acquisition emits and its subscribers consume.

This is the one contract between the engines (:class:`~daqcore.acquisition.Scan`,
:class:`~daqcore.acquisition.Logger`, the stream engine) and everything that reacts to them:
saving sinks, progress bars, dashboard views, remote publishers. The picture is bluesky's
run engine and its ``event-model`` documents, reduced to what a lab acquisition needs:

* :class:`RunStart` -- what will be measured: kind of run, instruments, the scan's plan;
* :class:`PointRecord` -- one scan point: where it is stored (``indexes``) and its data;
* :class:`RowRecord` -- one logger sample: a time stamp and the data of every detector;
* :class:`BlockRecord` -- one contiguous chunk of a fast stream (several channels);
* :class:`RunStop` -- how it ended: status, counts, error.

Records hold data, never file handles. They are frozen; the arrays they carry belong to the
record from the moment it is emitted (engines copy what their instruments may refill), so a
subscriber may keep them without copying again.

A subscriber is any callable taking a record (:data:`Subscriber`); a *sink* is a subscriber
that also owns a resource and must be closed (:class:`Sink`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

RunKind = Literal["scan", "log", "stream"]
RunStatus = Literal["finished", "stopped", "failed"]

#: Terminal statuses of a run, in :attr:`RunStop.status`.
RUN_STATUSES: tuple[str, ...] = ("finished", "stopped", "failed")


def new_run_uid() -> str:
    """A fresh identifier for a run (a UUID4 in hex)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class InstrumentInfo:
    """One instrument taking part in a run.

    Attributes
    ----------
    name : str
        Unique name of the instrument in the run (becomes the HDF5 group title).
    role : {'detector', 'actuator'}
        What it does in the run.
    settings_xml : str
        Its settings as PyMoDAQ parameter XML (``""`` if it has none).
    units : str
        Actuators: the unit of their positions (``""`` otherwise).
    """

    name: str
    role: Literal["detector", "actuator"]
    settings_xml: str = ""
    units: str = ""


@dataclass(frozen=True)
class RunStart:
    """The first record of every run: what will be measured.

    Attributes
    ----------
    kind : {'scan', 'log', 'stream'}
        Which engine emits the run.
    detectors : tuple of InstrumentInfo
        The detectors, in grab order.
    actuators : tuple of InstrumentInfo
        The actuators, in scanner column order (empty for logs and streams).
    title, description : str
        Human text, saved as the run's group ``TITLE`` / ``description``.
    plan : mapping
        Kind-specific plan. Scans: ``scan_type``, ``scan_subtype``, ``scan_shape``
        (extended shape), ``n_points`` (``None`` when open-ended), ``nav_axes`` (tuple of
        :class:`~daqcore.data.Axis`), ``distribution``. Logs: ``interval``, ``duration``,
        ``n_samples``. Streams: ``channels``, ``sample_interval``, ``dtype``, ...
    metadata : mapping
        Free attributes given by the user (stored on the run's group).
    uid : str
        Unique identifier of the run, repeated in every record of it.
    time : float
        Seconds since the epoch when the run started.
    """

    kind: RunKind
    detectors: tuple[InstrumentInfo, ...] = ()
    actuators: tuple[InstrumentInfo, ...] = ()
    title: str = ""
    description: str = ""
    plan: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    uid: str = field(default_factory=new_run_uid)
    time: float = field(default_factory=time.time)

    @property
    def n_planned(self) -> int | None:
        """Planned number of points / samples, ``None`` when open-ended."""
        value = self.plan.get("n_points", self.plan.get("n_samples"))
        return None if value is None else int(value)


@dataclass(frozen=True)
class PointRecord:
    """One scan point, complete: every detector was grabbed (and averaged).

    Attributes
    ----------
    uid : str
        The run's :attr:`RunStart.uid`.
    step : int
        Index of the point in visiting order (0, 1, 2, ...).
    indexes : tuple of int
        Where the point is stored in the extended arrays.
    positions : tuple of float
        The actuator targets of the point.
    detector_data : tuple of DataToExport
        One per detector, in :attr:`RunStart.detectors` order.
    actuator_data : DataToExport or None
        Read-back positions of the actuators (one ``DataActuator`` each), if recorded.
    time : float
        Seconds since the epoch when the point was complete.
    """

    uid: str
    step: int
    indexes: tuple[int, ...]
    positions: tuple[float, ...]
    detector_data: tuple[Any, ...]
    actuator_data: Any = None
    time: float = field(default_factory=time.time)


@dataclass(frozen=True)
class RowRecord:
    """One logger sample: every detector grabbed once.

    Attributes
    ----------
    uid : str
        The run's :attr:`RunStart.uid`.
    index : int
        Sample number (0, 1, 2, ...).
    timestamp : float
        Seconds since the epoch of the grab (the ``time`` navigation axis of the log).
    detector_data : tuple of DataToExport
        One per detector, in :attr:`RunStart.detectors` order.
    """

    uid: str
    index: int
    timestamp: float
    detector_data: tuple[Any, ...]


@dataclass(frozen=True)
class BlockRecord:
    """A contiguous chunk of a fast stream.

    Attributes
    ----------
    uid : str
        The run's :attr:`RunStart.uid`.
    first_sample : int
        Index, in the whole stream, of the first sample of this block.
    channels : mapping of str to ndarray
        One 1-D array per channel, all of the same length.
    n_lost_before : int
        Samples known lost between the previous block and this one (0: contiguous).
    time : float
        Seconds since the epoch when the block was complete.
    """

    uid: str
    first_sample: int
    channels: Mapping[str, np.ndarray]
    n_lost_before: int = 0
    time: float = field(default_factory=time.time)

    @property
    def n_samples(self) -> int:
        """Samples per channel in this block."""
        for array in self.channels.values():
            return int(array.shape[0])
        return 0


@dataclass(frozen=True)
class RunStop:
    """The last record of every run, emitted on every path (finished, stopped, failed).

    Attributes
    ----------
    uid : str
        The run's :attr:`RunStart.uid`.
    status : {'finished', 'stopped', 'failed'}
        How the run ended.
    n_done : int
        Points, samples or stream samples completely acquired.
    n_planned : int or None
        What was planned (``None`` when open-ended).
    error : str
        ``"ExceptionType: message"`` of what ended a failed run (``""`` otherwise).
    exception : BaseException or None
        The exception itself, for in-process subscribers.
    counts : mapping of str to int
        Extra counters (``n_lost``, ``n_missed``, ...).
    time : float
        Seconds since the epoch when the run ended.
    """

    uid: str
    status: RunStatus
    n_done: int
    n_planned: int | None = None
    error: str = ""
    exception: BaseException | None = field(default=None, compare=False, repr=False)
    counts: Mapping[str, int] = field(default_factory=dict)
    time: float = field(default_factory=time.time)


Record = RunStart | PointRecord | RowRecord | BlockRecord | RunStop
"""Any acquisition record."""

Subscriber = Callable[[Record], None]
"""A callable receiving every record of a run, in order, in the engine's thread."""


@runtime_checkable
class Sink(Protocol):
    """A subscriber that owns a resource (a file, a socket) for the length of a run.

    The engine calls the sink with every record. After :class:`RunStop` the sink has released
    its resource; :meth:`close` releases it on any other path (an engine that died, a
    subscriber that raised) and may be called any number of times.
    """

    def __call__(self, record: Record) -> None:
        """Consume one record."""
        ...

    def close(self) -> None:
        """Release everything the sink holds (idempotent, never raises for a closed sink)."""
        ...


def error_text(exc: BaseException | None) -> str:
    """``"ExceptionType: message"`` of ``exc`` (``""`` for ``None``), as :class:`RunStop` holds."""
    return "" if exc is None else f"{type(exc).__name__}: {exc}"


__all__ = [
    "RUN_STATUSES",
    "BlockRecord",
    "InstrumentInfo",
    "PointRecord",
    "Record",
    "RowRecord",
    "RunKind",
    "RunStart",
    "RunStatus",
    "RunStop",
    "Sink",
    "Subscriber",
    "error_text",
    "new_run_uid",
]
