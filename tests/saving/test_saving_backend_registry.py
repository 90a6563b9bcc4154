"""HDF5 backends are registered through the ``daqcore_register_h5_backends`` hook and chosen by
their capabilities, never by name: a third-party backend saves and loads like a built-in one."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from daqcore.data import Axis, DataToExport, DataWithAxes
from daqcore.plugins import get_registry, hookimpl, load_registry, set_registry
from daqcore.saving import (
    BackendCapabilities,
    DataLoader,
    DataToExportSaver,
    H5BackendRecord,
    H5SaverLowLevel,
    available_backends,
    backend_capabilities,
    backends_available,
)
from daqcore.saving.backends.h5py_backend import H5pyBackend
from daqcore.saving.errors import BackendError, SWMRError

SRC = Path(__file__).resolve().parents[2] / "src" / "daqcore"


class WrappedBackend(H5pyBackend):
    """A third party's backend: h5py underneath, another name, no SWMR."""

    name = "wrapped_h5py"

    @property
    def capabilities(self) -> BackendCapabilities:
        return BackendCapabilities(swmr=False, compression=frozenset({"zlib"}))


class ThirdPartyPlugin:
    @hookimpl
    def daqcore_register_h5_backends(self, register):
        register(H5BackendRecord("wrapped_h5py", WrappedBackend, description="test wrapper"))


class GreedyPlugin:
    @hookimpl
    def daqcore_register_h5_backends(self, register):
        register(H5BackendRecord("h5py", WrappedBackend))


@pytest.fixture
def third_party():
    previous = set_registry(load_registry(plugins=[("thirdparty", ThirdPartyPlugin())]))
    try:
        yield get_registry()
    finally:
        set_registry(previous)


def _dte() -> DataToExport:
    dwa = DataWithAxes("spectrum", data=[np.linspace(0, 1, 5)], units="V",
                       axes=[Axis("wl", "nm", data=np.arange(5.0), index=0)])
    return DataToExport("det", [dwa])


def test_builtins_are_registered_by_the_first_party_plugin(third_party):
    assert available_backends()[:2] == ["h5py", "tables"]
    assert backends_available() == available_backends()
    assert third_party.h5_backends["h5py"].plugin == "hdf5"
    assert backend_capabilities("h5py").swmr is True
    assert backend_capabilities("pytables").swmr is False  # alias of tables


def test_third_party_backend_saves_and_loads(third_party, tmp_path):
    assert "wrapped_h5py" in available_backends()
    path = tmp_path / "third.h5"
    saver = H5SaverLowLevel(save_type="custom", backend="wrapped_h5py")
    saver.init_file(path, new_file=True)
    DataToExportSaver(saver).add_data("/RawData", _dte())
    assert isinstance(saver.backend, WrappedBackend)
    saver.close_file()
    with DataLoader(path, backend="wrapped_h5py") as loader:
        assert isinstance(loader.h5saver.backend, WrappedBackend)
        path_in_file = "/RawData/Data1D/CH00/Data00"
        node = loader.get_node(path_in_file)
        assert node.attrs["backend"] == "wrapped_h5py"
        dwa = loader.load_data(node)
    np.testing.assert_array_equal(dwa.data[0], np.linspace(0, 1, 5))
    assert dwa.units == "V" and dwa.axes[0].units == "nm"
    with DataLoader(path, backend="h5py") as loader:  # same file, built-in backend
        np.testing.assert_array_equal(loader.load_data(path_in_file).data[0], dwa.data[0])


def test_capabilities_not_names_decide_swmr(third_party, tmp_path):
    saver = H5SaverLowLevel(backend="wrapped_h5py")
    with pytest.raises(SWMRError, match="wrapped_h5py"):
        saver.init_file(tmp_path / "x.h5", new_file=True, swmr_mode=True)
    assert not saver.isopen()


def test_backend_object_accepted_without_plugins(tmp_path):
    saver = H5SaverLowLevel(backend=WrappedBackend())
    saver.init_file(tmp_path / "obj.h5", new_file=True)
    assert saver.backend_name == "wrapped_h5py"
    saver.close_file()


def test_unknown_backend_names_the_known_ones():
    with pytest.raises(BackendError, match=r"unknown HDF5 backend 'nope'.*'h5py'.*'tables'"):
        H5SaverLowLevel(backend="nope")


def test_plugin_cannot_take_a_builtin_name():
    registry = load_registry(plugins=[("greedy", GreedyPlugin())])
    assert registry.h5_backends["h5py"].plugin == "hdf5"
    assert any(f.plugin == "greedy" and f.stage == "duplicate" for f in registry.failures)


def test_bad_record_is_refused():
    with pytest.raises(BackendError, match="invalid HDF5 backend name"):
        H5BackendRecord("Has Space", WrappedBackend)
    with pytest.raises(BackendError, match="cannot be loaded"):
        H5BackendRecord("ghost", "no_such_module_xyz:Backend").load()
    with pytest.raises(ImportError):  # a missing library: PyMoDAQ's ImportError too
        H5BackendRecord("ghost", "no_such_module_xyz:Backend").load()


_FORBIDDEN = [re.compile(p) for p in (
    r"^\s*import h5py", r"^\s*import tables", r"^\s*from h5py", r"^\s*from tables",
    r"backend(_name)?\s*[!=]=\s*['\"]", r"\.name\s*[!=]=\s*['\"](h5py|tables)")]


def test_no_code_outside_backends_imports_a_library_or_branches_on_a_name():
    offenders = []
    for folder in ("saving", "acquisition", "cli"):
        for path in (SRC / folder).rglob("*.py"):
            if "backends" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if any(p.search(line) for p in _FORBIDDEN):
                    offenders.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert offenders == []


PLUGIN_FILE = '''
import numpy as np
from daqcore.data import DataRaw, DataToExport, Axis
from daqcore.plugins import ReaderRecord, hookimpl
from daqcore.saving import BackendCapabilities, H5BackendRecord
from daqcore.saving.backends.h5py_backend import H5pyBackend


class LabBackend(H5pyBackend):
    name = "lab_h5"

    @property
    def capabilities(self):
        return BackendCapabilities(swmr=False)


def read_xyz(path):
    values = np.loadtxt(path)
    return DataToExport("xyz", data=[DataRaw("counts", units="Hz", data=[values],
                                             axes=[Axis("n", "", np.arange(len(values)),
                                                        index=0)])])


@hookimpl
def daqcore_register_h5_backends(register):
    register(H5BackendRecord("lab_h5", LabBackend, description="a lab's backend"))


@hookimpl
def daqcore_register_readers(register):
    register(ReaderRecord("xyz", (".xyz",), factory=read_xyz))
'''


@pytest.mark.timeout(120)
def test_cli_uses_a_third_party_backend_and_reader(tmp_path):
    import os
    import subprocess
    import sys

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "labplugin.py").write_text(PLUGIN_FILE)
    h5 = tmp_path / "snap.h5"
    saver = H5SaverLowLevel(save_type="custom")
    saver.init_file(h5, new_file=True)
    DataToExportSaver(saver).add_data("/RawData", _dte())
    saver.close_file()
    xyz = tmp_path / "counts.xyz"
    xyz.write_text("1\n2\n3\n")
    env = {**os.environ, "DAQCORE_PLUGINS_DIR": str(plugins)}

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "daqcore", *args], capture_output=True,
                              text=True, env=env, timeout=60)

    res = cli("browse", str(h5), str(xyz), "--backend", "lab_h5")
    assert res.returncode == 0, res.stderr
    assert "Data00  [CARRAY 5 float64]" in res.stdout and "units=V" in res.stdout
    assert "counts.xyz  [DataToExport 'xyz', 1 items]" in res.stdout
    assert "counts  [Data1D 3] units=Hz" in res.stdout
    res = cli("browse", str(h5), "--backend", "nope")
    assert res.returncode == 1 and "unknown HDF5 backend 'nope'" in res.stderr
    assert "'lab_h5'" in res.stderr
