"""Exceptions raised on purpose by the Joulescope plugin.

Every class derives from :class:`daqcore.errors.DaqcoreError` and from the builtin that
fits, so code written against joulescope (which raises ``ValueError``) keeps working.
"""

from __future__ import annotations

from daqcore.errors import DaqcoreError


class JoulescopeError(DaqcoreError):
    """Base class of the Joulescope plugin errors."""


class InvalidRawDataError(JoulescopeError, ValueError):
    """Raw input with the wrong dtype, an odd number of words or a bad USB packet stream."""


class InvalidReductionsError(JoulescopeError, ValueError):
    """Reduction factors that are not positive integers, too many levels or none."""


class InvalidParameterError(JoulescopeError, ValueError):
    """A constructor argument or setting outside its allowed values."""


class BufferTooLargeError(JoulescopeError, MemoryError):
    """The requested buffer would not fit in the available memory (checked before allocating)."""


class SampleRangeError(JoulescopeError, IndexError):
    """Requested sample ids that are not (or no longer) held by the buffer."""


class OutputArrayError(JoulescopeError, ValueError):
    """An ``out`` array that is too small or has the wrong dtype."""


class CalibrationError(JoulescopeError, ValueError):
    """Calibration vectors that are too short or not finite."""


class JlsFormatError(JoulescopeError, ValueError):
    """A file that is not a JLS v1 recording, or a corrupted / truncated one (the message
    names the byte offset)."""


class RecordingError(JoulescopeError, ValueError):
    """A recording that cannot be written or read as asked (closed file, wrong format,
    samples already overwritten in the stream buffer, times outside the file)."""


class DeviceNotAvailableError(JoulescopeError, RuntimeError):
    """The real device cannot be used: driver not installed or no device found."""


__all__ = [
    "BufferTooLargeError",
    "CalibrationError",
    "DeviceNotAvailableError",
    "InvalidParameterError",
    "InvalidRawDataError",
    "InvalidReductionsError",
    "JlsFormatError",
    "JoulescopeError",
    "OutputArrayError",
    "RecordingError",
    "SampleRangeError",
]
