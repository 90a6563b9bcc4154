"""Averaging of repeated grabs, and the event hub's isolation of subscribers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from daqcore.acquisition import Scan, Scanner2DGrid
from daqcore.acquisition.averaging import AveragingError, average_grabs
from daqcore.acquisition.events import EventHub, ProgressEvent
from daqcore.data import Axis, DataFromPlugins, DataToExport


def _dte(values, errors=None, name="cam"):
    axes = [Axis("x", "mm", data=np.arange(values.shape[-1], dtype=float),
                 index=values.ndim - 1)] if values.ndim else []
    dwa = DataFromPlugins(name, data=[values, 2 * values], labels=["a", "b"], units="V",
                          axes=axes, errors=errors, origin="det")
    return DataToExport("det", data=[dwa])


def test_single_grab_is_kept_with_its_own_error_bars():
    grab = _dte(np.array([1.0, 2.0]), errors=[np.array([0.1, 0.2]), np.array([0.3, 0.4])])
    assert average_grabs([grab]) is grab


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), arrays(np.float64, st.tuples(st.integers(2, 5), st.integers(2, 6)),
                                 elements=st.floats(-1e6, 1e6)))
def test_mean_and_standard_error_match_numpy(n, base):
    rng = np.random.default_rng(0)
    stack = np.stack([base + rng.normal(size=base.shape) for _ in range(n)])
    out = average_grabs([_dte(frame) for frame in stack])
    (dwa,) = out
    np.testing.assert_allclose(dwa.data[0], stack.mean(axis=0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(dwa.data[1], (2 * stack).mean(axis=0), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(dwa.errors[0], stack.std(axis=0, ddof=1) / np.sqrt(n),
                               rtol=1e-9, atol=1e-9)
    assert dwa.labels == ["a", "b"] and dwa.units == "V" and dwa.axes[0].label == "x"


def test_integer_data_average_to_float():
    out = average_grabs([_dte(np.array([1, 2])), _dte(np.array([2, 2]))])
    np.testing.assert_array_equal(out[0].data[0], [1.5, 2.0])
    np.testing.assert_array_equal(out[0].errors[0], [0.5, 0.0])


@pytest.mark.parametrize("other", [
    _dte(np.array([1.0, 2.0]), name="other"),
    _dte(np.array([1.0, 2.0, 3.0])),
    DataToExport("det", data=[]),
])
def test_mismatched_grabs_are_refused(other):
    with pytest.raises(AveragingError):
        average_grabs([_dte(np.array([1.0, 2.0])), other])
    with pytest.raises(AveragingError):
        average_grabs([])


def test_hub_drops_a_raising_callback_and_keeps_the_others():
    hub = EventHub()
    calls = {"bad": 0, "good": 0}

    def bad(event):
        calls["bad"] += 1
        raise RuntimeError("gui crashed")

    def good(event):
        calls["good"] += 1

    hub.subscribe(bad)
    unsubscribe = hub.subscribe(good)
    for i in range(3):
        hub.emit(ProgressEvent("point", i + 1, 3, 0.1))
    assert calls == {"bad": 1, "good": 3}
    unsubscribe()
    hub.emit(ProgressEvent("finished", 3, 3, 0.1))
    assert calls["good"] == 3
    assert list(hub.iter_events()) == []  # closed after the terminal event


def test_event_fraction_and_eta():
    ev = ProgressEvent("point", 25, 100, 5.0)
    assert ev.fraction == 0.25 and ev.eta == pytest.approx(15.0)
    assert ProgressEvent("point", 3, None, 1.0).eta is None
    assert ProgressEvent("started", 0, 10, 0.0).eta is None


def test_broken_subscriber_does_not_stop_the_scan(rig, tmp_path):
    scan = Scan(rig.actuators, rig.detectors, Scanner2DGrid((0, 1, 1), (0, 1, 1)), path=tmp_path)
    scan.subscribe(lambda event: 1 / 0)
    assert scan.run().completed
