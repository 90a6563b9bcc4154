"""Errors raised on purpose by :mod:`daqcore.acquisition` (scans and logger).

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin exception
that fits the failure, so ``except ValueError`` keeps working for code that does not know
daqcore. Messages name the offending value (instrument name, point index, position, path).
"""

from __future__ import annotations

from collections.abc import Iterable

from daqcore.errors import DaqcoreError
from daqcore.plugins.errors import UnknownInstrumentError as _RegistryUnknownInstrumentError


class AcquisitionError(DaqcoreError):
    """Base class of the scan / logger errors."""


class ScannerError(AcquisitionError, ValueError):
    """A scanner was given inconsistent parameters (zero step, empty table, bad shape...)."""


class ScanConfigurationError(AcquisitionError, ValueError):
    """A scan or logger is configured inconsistently (no detector, wrong actuator count...)."""


class UnknownInstrumentError(AcquisitionError, _RegistryUnknownInstrumentError):
    """An instrument name is not known to the plugin registry.

    Also a :class:`daqcore.plugins.errors.UnknownInstrumentError` (and a ``LookupError``).

    Parameters
    ----------
    name : str
        The name asked for.
    known : iterable of str
        The names the registry does know; they are listed in the message.
    kind : str
        ``'actuator'``, ``'detector'`` or ``'instrument'``.
    """

    def __init__(self, name: str, known: Iterable[str], kind: str = "instrument") -> None:
        self.name = name
        self.known = sorted(known)
        self.kind = kind
        listing = ", ".join(self.known) if self.known else "(none registered)"
        super().__init__(f"unknown {kind} {name!r}; known {kind}s: {listing}")


class OutOfBoundsError(AcquisitionError, ValueError):
    """A scan target lies outside an actuator's bounds (checked for all points before starting).

    Parameters
    ----------
    actuator : str
        Name of the actuator.
    value : float
        The offending target.
    bounds : tuple of float
        The actuator's ``(min, max)`` bounds.
    point_index : int
        Index of the first offending point in the scan order.
    """

    def __init__(
        self, actuator: str, value: float, bounds: tuple[float, float], point_index: int
    ) -> None:
        self.actuator = actuator
        self.value = value
        self.bounds = bounds
        self.point_index = point_index
        super().__init__(
            f"scan point {point_index}: target {value!r} of actuator {actuator!r} is outside "
            f"its bounds [{bounds[0]!r}, {bounds[1]!r}]; nothing was moved"
        )


class ActuatorTimeoutError(AcquisitionError, TimeoutError):
    """An actuator did not reach its target within the allowed time."""


class PointFailureError(AcquisitionError, RuntimeError):
    """Base of the failures at one point of a scan or a log; the data saved before are kept.

    Attributes
    ----------
    point_index : int
        Index (in the scan order, or sample number for the logger) of the point that failed.
    cause : BaseException
        The original exception (also chained as ``__cause__`` by the engine).
    """

    def __init__(self, what_failed: str, point_index: int, cause: BaseException) -> None:
        self.point_index = point_index
        self.cause = cause
        super().__init__(f"{what_failed}: {type(cause).__name__}: {cause}")


class DetectorError(PointFailureError):
    """A detector failed during a scan or a log; the data saved before it are kept.

    Parameters
    ----------
    detector : str
        Name of the detector.
    point_index : int
        Index (in the scan order, or sample number for the logger) of the point that failed.
    cause : BaseException
        The original exception (also chained as ``__cause__``).
    """

    def __init__(self, detector: str, point_index: int, cause: BaseException) -> None:
        self.detector = detector
        super().__init__(f"detector {detector!r} failed at point {point_index}", point_index,
                         cause)


class ActuatorError(PointFailureError):
    """An actuator failed (raised) while moving during a scan."""

    def __init__(self, actuator: str, point_index: int, cause: BaseException) -> None:
        self.actuator = actuator
        super().__init__(f"actuator {actuator!r} failed at point {point_index}", point_index,
                         cause)


class PointSaveError(PointFailureError):
    """Saving a point failed (data changed shape, disk full...); earlier points are kept."""

    def __init__(self, point_index: int, cause: BaseException) -> None:
        super().__init__(f"saving point {point_index} failed", point_index, cause)


class OutputPathError(AcquisitionError, OSError):
    """The output file or directory cannot be created or written."""


class ScanStateError(AcquisitionError, RuntimeError):
    """An operation does not fit the scan's state (start twice, wait before start...)."""


__all__ = [
    "AcquisitionError",
    "ActuatorError",
    "ActuatorTimeoutError",
    "DetectorError",
    "OutOfBoundsError",
    "OutputPathError",
    "PointFailureError",
    "PointSaveError",
    "ScanConfigurationError",
    "ScanStateError",
    "ScannerError",
    "UnknownInstrumentError",
]
