"""Scan descriptions from TOML-like dicts; instruments created by registry name."""

from __future__ import annotations

import numpy as np
import pytest

from daqcore.acquisition import ScannerGrid, ScannerSpread, ScannerTabular, open_instruments
from daqcore.acquisition.config import load_toml, scanner_from_dict
from daqcore.acquisition.errors import (
    ScanConfigurationError,
    ScannerError,
    UnknownInstrumentError,
)
from daqcore.acquisition.instruments import InstrumentInitError, check_names
from daqcore.plugins.errors import UnknownInstrumentError as RegistryUnknownInstrumentError


def test_scanner_from_dict_kinds(tmp_path):
    grid = scanner_from_dict({"axes": [[0, 1, 0.5], [0, 2, 1]], "order": "snake",
                              "units": ["mm", "mm"]})
    assert isinstance(grid, ScannerGrid) and grid.extended_shape == (3, 3)
    assert grid.order == "snake" and grid.units == ["mm", "mm"]
    spread = scanner_from_dict({"type": "spread", "points": [[0, 1], [2, 3]]})
    assert isinstance(spread, ScannerSpread) and spread.n_steps == 2
    rnd = scanner_from_dict({"type": "random", "n_points": 5, "bounds": [[0, 1]], "seed": 2})
    assert rnd.n_steps == 5 and np.all((rnd.positions >= 0) & (rnd.positions <= 1))
    f = tmp_path / "t.txt"
    f.write_text("0 0\n1 1\n")
    tab = scanner_from_dict({"type": "tabular", "file": str(f), "step": 0.5})
    assert isinstance(tab, ScannerTabular) and tab.n_steps == 4


@pytest.mark.parametrize("spec, exc, match", [
    ({"type": "spiral"}, ScannerError, "unknown scanner type 'spiral'"),
    ({"type": "grid", "axes": [[0, 1, 1]], "stepz": 1}, ScannerError, "stepz"),
    ({"type": "random", "n_points": "many", "bounds": [[0, 1]]}, ScannerError,
     r"scan.scanner.n_points = .many. \(string\): expected an integer"),
    ({"type": "grid", "axes": [[0, 1]]}, ScannerError, "start, stop, step"),
])
def test_scanner_from_dict_errors(spec, exc, match):
    with pytest.raises(exc, match=match):
        scanner_from_dict(spec)


def test_load_toml_errors(tmp_path):
    with pytest.raises(ScanConfigurationError, match="cannot read"):
        load_toml(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("a = ")
    with pytest.raises(ScanConfigurationError, match="not valid TOML"):
        load_toml(bad)


def test_open_instruments_creates_initialises_and_closes():
    with open_instruments(["mock_x"], ["mock_0d"], settings={"mock_0d": {"noise": 0.0}}) \
            as (acts, dets):
        assert [a.title for a in acts] == ["mock_x"] and acts[0].is_initialized
        assert dets[0].settings["noise"] == 0.0
        assert dets[0].grab_data()[0].labels == ["spot", "reference"]
    assert acts[0].is_closed and dets[0].is_closed


def test_unknown_instrument_lists_known_names_before_creating_anything():
    with pytest.raises(UnknownInstrumentError) as info:
        with open_instruments(["mock_x"], ["mock_0d", "camera9"]):
            pass
    err = info.value
    assert err.name == "camera9" and err.kind == "detector"
    assert "mock_0d" in err.known and "mock_x" not in err.known
    assert str(err).startswith("unknown detector 'camera9'; known detectors: ")
    assert isinstance(err, RegistryUnknownInstrumentError) and isinstance(err, LookupError)
    with pytest.raises(UnknownInstrumentError, match="known actuators: mock_x, mock_y"):
        check_names(["mock_0d"], [])  # a detector is not an actuator


def test_failing_initialisation_closes_what_was_created(monkeypatch):
    from daqcore_plugins.mock.detectors import Mock1D

    def broken(self):
        raise RuntimeError("no light")

    monkeypatch.setattr(Mock1D, "_ini_detector", broken)
    created = []
    from daqcore.plugins import get_registry

    registry = get_registry()
    original = registry.create_instrument

    def spy(*args, **kwargs):
        inst = original(*args, **kwargs)
        created.append(inst)
        return inst

    monkeypatch.setattr(registry, "create_instrument", spy)
    with pytest.raises(InstrumentInitError, match=r"mock_1d.*no light"):
        with open_instruments(["mock_x"], ["mock_0d", "mock_1d"]):
            pass
    assert len(created) == 3
    assert all(inst.is_closed or not inst.is_initialized for inst in created)
    assert created[0].is_closed and created[1].is_closed
