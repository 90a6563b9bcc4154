"""Fixtures shared by the data-model tests."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw


@pytest.fixture
def scan_dwa() -> DataRaw:
    """A 2x3 scan of 4-point spectra with errors: shape (2, 3|4), units V."""
    data = np.arange(24.0).reshape(2, 3, 4)
    return DataRaw(
        "spectra",
        data=[data, data * 2],
        units="V",
        nav_indexes=(0, 1),
        labels=["a", "b"],
        errors=[np.full(data.shape, 0.5), np.full(data.shape, 1.0)],
        axes=[
            Axis("x", "mm", np.array([0.0, 1.0]), index=0),
            Axis("y", "mm", np.array([0.0, 1.0, 5.0]), index=1),
            Axis("wavelength", "nm", np.linspace(400.0, 430.0, 4), index=2),
        ],
    )
