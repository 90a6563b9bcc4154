"""Software averaging of repeated grabs: mean plus standard error of the mean as error bars.

The one averaging helper of daqcore, used by :meth:`Detector.grab_data
<daqcore.instruments.Detector.grab_data>` (detectors without hardware averaging) and by the
scan engine for duck-typed detectors. PyMoDAQ's DAQ_Scan lost averaged data (PyMoDAQ#563)
and hardware error bars (PyMoDAQ#1163). Here, per channel, the mean and
``std(ddof=1) / sqrt(n)`` (the standard error of the mean) are stored as the DataWithAxes
``errors``, which the savers write as ``ErrorBarNN`` beside ``DataNN``. With ``n == 1`` the
grab is kept as it is, including any error bars the detector computed itself (hardware
averaging).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from daqcore.data import DataToExport
from daqcore.instruments.errors import InstrumentError


class AveragingError(InstrumentError, ValueError):
    """Repeated grabs of one detector do not have the same structure."""


def mean_and_sem(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error of the mean along axis 0 of ``stack`` (``n >= 2`` rows)."""
    n = stack.shape[0]
    mean = stack.mean(axis=0)
    sem = stack.std(axis=0, ddof=1) / math.sqrt(n)
    return mean, sem


def average_grabs(grabs: Sequence[DataToExport]) -> DataToExport:
    """Average ``grabs`` (DataToExport objects from the same detector) channel by channel.

    Parameters
    ----------
    grabs : sequence of DataToExport
        At least one grab; all must hold the same DataWithAxes (same full names, same number
        of channels and shapes).

    Returns
    -------
    DataToExport
        ``grabs[0]`` itself when there is one grab; otherwise a new DataToExport whose
        DataWithAxes hold the means and, as ``errors``, the standard errors of the means.
    """
    if len(grabs) == 0:
        raise AveragingError("cannot average zero grabs")
    if len(grabs) == 1:
        return grabs[0]
    first = grabs[0]
    averaged = []
    for k, dwa in enumerate(first):
        name = dwa.full_name
        per_channel: list[list[np.ndarray]] = [[] for _ in range(len(dwa))]
        for g, grab in enumerate(grabs):
            if len(grab) != len(first):
                raise AveragingError(
                    f"grab {g} holds {len(grab)} data objects, the first one {len(first)}"
                )
            other = grab[k]
            if other.full_name != name or len(other) != len(dwa):
                raise AveragingError(
                    f"grab {g}: data {other.full_name!r} ({len(other)} channels) does not "
                    f"match {name!r} ({len(dwa)} channels)"
                )
            for ch in range(len(dwa)):
                per_channel[ch].append(np.asarray(other.data[ch]))
        means, sems = [], []
        for ch, arrays in enumerate(per_channel):
            try:
                stack = np.stack(arrays)
            except ValueError:
                raise AveragingError(
                    f"data {name!r} channel {ch} changed shape between grabs: "
                    f"{[a.shape for a in arrays]}"
                ) from None
            mean, sem = mean_and_sem(stack)
            means.append(mean)
            sems.append(sem)
        new = dwa.deepcopy_with_new_data(means)
        new.errors = sems
        averaged.append(new)
    return DataToExport(first.name, data=averaged)


__all__ = ["AveragingError", "average_grabs", "mean_and_sem"]
