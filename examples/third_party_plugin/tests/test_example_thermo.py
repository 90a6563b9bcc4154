"""Tests of the example plugin, using daqcore's conformance suite."""

import numpy as np
import pytest
from daqcore_example_thermo.instruments import Heater, Thermometer
from daqcore_example_thermo.oven import Oven
from daqcore_example_thermo.tcsv import read_tcsv, write_tcsv

from daqcore.plugins import load_registry
from daqcore.testing import ActuatorContract, DetectorContract


class TestThermometerContract(DetectorContract):
    instrument_class = Thermometer


class TestHeaterContract(ActuatorContract):
    instrument_class = Heater


class Clock:
    now = 0.0

    def __call__(self):
        return self.now


def test_heater_warms_the_oven():
    clock = Clock()
    oven = Oven(ambient=20.0, gain=0.5, tau=10.0, clock=clock)
    with Heater(oven=oven) as heater, Thermometer(oven=oven, noise=0.0) as thermometer:
        heater.move_abs(40.0)
        clock.now = 10.0
        expected = 40.0 - 20.0 * np.exp(-1.0)
        assert thermometer.grab_data()[0].value() == pytest.approx(expected)


def test_plugin_registers_everything(tmp_path):
    registry = load_registry()
    assert registry.failures == [] or all(f.plugin != "thermo" for f in registry.failures)
    assert {"thermo_sensor", "thermo_heater"} <= set(registry.instruments)
    assert "thermo-read" in registry.commands
    path = tmp_path / "log.tcsv"
    write_tcsv(path, np.arange(3.0), np.array([20.0, 20.5, 21.0]))
    dte = registry.reader_for(path).load()(path)
    dwa = dte[0]
    assert dwa.units == "degC" and dwa.axes[0].units == "s"
    np.testing.assert_array_equal(dwa.data[0], [20.0, 20.5, 21.0])


def test_reader_refuses_other_files(tmp_path):
    path = tmp_path / "bad.tcsv"
    path.write_text("hello\n1,2\n")
    with pytest.raises(ValueError, match=r"not a \.tcsv file"):
        read_tcsv(path)
