"""PyMoDAQ instrument plugin classes that wrap daqcore instruments.

:func:`viewer_class` and :func:`actuator_class` build, for one daqcore instrument registry name,
a subclass of PyMoDAQ's ``DAQ_Viewer_base`` / ``DAQ_Move_base`` named as PyMoDAQ's discovery
requires (``DAQ_1DViewer_mock_1d``, ``DAQ_Move_mock_x``). The generated plugin package of
:func:`daqcore.interop.pymodaq.package.write_bridge_package` holds one tiny module per
instrument calling them; PyMoDAQ finds it through its ``pymodaq.instruments`` entry point.

The classes only translate PyMoDAQ's calls; the work is done by the Qt-free adapters of
:mod:`daqcore.interop.pymodaq.adapter`. Each class shows a ``daqcore backend`` choice (``sim``,
``real``...) and the daqcore instrument's settings as a parameter group, validated by daqcore
(a refused value is reported in PyMoDAQ's status bar and the parameter is set back).

This module imports PyMoDAQ (and therefore Qt): it belongs to the GUI layer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pymodaq.control_modules.move_utility_classes import (
    DAQ_Move_base,
    DataActuatorType,
    comon_parameters_fun,
)
from pymodaq.control_modules.viewer_utility_classes import (
    DAQ_Viewer_base,
    comon_parameters,
)
from pymodaq.utils.data import DataActuator
from pymodaq_utils.utils import ThreadCommand

from daqcore.errors import DaqcoreError
from daqcore.interop.pymodaq.adapter import (
    BACKEND_PARAM,
    SETTINGS_GROUP,
    ActuatorAdapter,
    DetectorAdapter,
    param_path,
    settings_from_params,
)


def _report(plugin: Any, exc: BaseException) -> None:
    plugin.emit_status(ThreadCommand("Update_Status", [f"daqcore: {exc}", "log"]))


def _commit(plugin: Any, adapter: Any, param: Any) -> None:
    """Forward one edited parameter to the daqcore instrument; undo it when daqcore refuses."""
    path = param_path(param)
    if not path or adapter.instrument is None:
        return
    try:
        kept = adapter.apply_setting(path, param.value())
    except DaqcoreError as exc:
        _report(plugin, exc)
        kept = adapter.instrument.settings.child(*path).value
    if kept != param.value():
        param.setValue(kept)


def viewer_class(instrument: str) -> type:
    """A ``DAQ_<XD>Viewer_<instrument>`` class driving the daqcore detector ``instrument``."""
    probe = DetectorAdapter(instrument)
    kind = probe.viewer_type

    class _Viewer(DAQ_Viewer_base):
        params = comon_parameters + probe.params()
        daqcore_instrument = instrument

        def ini_attributes(self) -> None:
            self.controller: DetectorAdapter | None = None

        def ini_detector(self, controller: Any = None) -> tuple[str, bool]:
            self.controller = DetectorAdapter(instrument)
            settings = settings_from_params(self.settings.child(SETTINGS_GROUP))
            try:
                return self.controller.initialise(self.settings[BACKEND_PARAM], settings)
            except DaqcoreError as exc:
                return f"daqcore {instrument}: {exc}", False

        def commit_settings(self, param: Any) -> None:
            if self.controller is not None:
                _commit(self, self.controller, param)

        def grab_data(self, Naverage: int = 1, **kwargs: Any) -> None:
            if self.controller is None:
                return
            try:
                dte = self.controller.grab(Naverage)
            except DaqcoreError as exc:
                _report(self, exc)
                return
            self.dte_signal.emit(dte)

        def stop(self) -> str:
            if self.controller is not None:
                self.controller.stop()
            return ""

        def close(self) -> None:
            if self.controller is not None:
                self.controller.close()

    _Viewer.__name__ = _Viewer.__qualname__ = f"DAQ_{kind}Viewer_{instrument}"
    return _Viewer


def actuator_class(instrument: str) -> type:
    """A ``DAQ_Move_<instrument>`` class driving the daqcore actuator ``instrument``."""
    probe = ActuatorAdapter(instrument)
    units = probe.units

    class _Move(DAQ_Move_base):
        _controller_units = units
        _axis_names: ClassVar[list[str]] = [instrument]
        _epsilon = 1e-6
        data_actuator_type = DataActuatorType.DataActuator
        params = probe.params() + comon_parameters_fun(axis_names=[instrument])
        daqcore_instrument = instrument

        def ini_attributes(self) -> None:
            self.controller: ActuatorAdapter | None = None

        def ini_stage(self, controller: Any = None) -> tuple[str, bool]:
            self.controller = ActuatorAdapter(instrument)
            settings = settings_from_params(self.settings.child(SETTINGS_GROUP))
            try:
                info, ok = self.controller.initialise(self.settings[BACKEND_PARAM], settings)
            except DaqcoreError as exc:
                return f"daqcore {instrument}: {exc}", False
            epsilon = self.controller.instrument.settings["epsilon"] \
                if "epsilon" in self.controller.instrument.settings else None
            if epsilon:
                self.settings.child("epsilon").setValue(float(epsilon))
            return info, ok

        def get_actuator_value(self) -> Any:
            assert self.controller is not None
            value = DataActuator(self._title, data=self.controller.value(), units=units)
            return self.get_position_with_scaling(value)

        def _move_to(self, target: Any) -> None:
            assert self.controller is not None
            self.target_value = target
            target = self.set_position_with_scaling(target)
            try:
                self.controller.move_abs(target.value(units))
            except DaqcoreError as exc:
                _report(self, exc)

        def move_abs(self, value: Any) -> None:
            self._move_to(self.check_bound(value))

        def move_rel(self, value: Any) -> None:
            self._move_to(self.check_bound(self.current_value + value))

        def move_home(self, *args: Any, **kwargs: Any) -> None:
            assert self.controller is not None
            self.controller.move_home()
            self.poll_moving()

        def stop_motion(self) -> None:
            if self.controller is not None:
                self.controller.stop()
            self.move_done()

        def commit_settings(self, param: Any) -> None:
            if self.controller is not None:
                _commit(self, self.controller, param)

        def close(self) -> None:
            if self.controller is not None:
                self.controller.close()

    _Move.__name__ = _Move.__qualname__ = f"DAQ_Move_{instrument}"
    return _Move


__all__ = ["actuator_class", "viewer_class"]
