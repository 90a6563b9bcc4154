"""Averaging of repeated grabs (the helper lives in :mod:`daqcore.instruments.averaging`).

Re-exported here for the scan engine's users: :func:`average_grabs` (mean and standard error
of the mean per channel) and :class:`AveragingError`.
"""

from daqcore.instruments.averaging import AveragingError, average_grabs, mean_and_sem

__all__ = ["AveragingError", "average_grabs", "mean_and_sem"]
