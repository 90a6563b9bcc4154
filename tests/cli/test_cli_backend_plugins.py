"""HDF5 backends by name from ``daqcore scan/log --backend`` and TOML: unknown names are
refused naming the known ones; a third-party backend registered through the
``daqcore_register_h5_backends`` hook is used by name."""

from __future__ import annotations

import os

import h5py
import pytest


@pytest.mark.parametrize("args", [
    ["scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "1", "--backend", "zarr"],
    ["log", "-d", "mock_0d", "-n", "1", "--backend", "zarr"],
])
def test_an_unknown_backend_is_refused_with_the_known_ones(invoke_daqcore, tmp_path, args):
    res = invoke_daqcore(*args, "-o", str(tmp_path), "--no-progress")
    assert res.returncode == 1, res.stdout
    assert "--backend: unknown HDF5 backend 'zarr'; known backends: h5py, tables" in res.stdout
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_backend_in_a_file_names_the_key(invoke_daqcore, tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[log]\ndetectors = ["mock_0d"]\nn_samples = 1\nbackend = "zarr"\n')
    res = invoke_daqcore("log", "-c", str(cfg), "-o", str(tmp_path), "--no-progress")
    assert res.returncode == 1, res.stdout
    assert f"[log] backend of config file '{cfg}': unknown HDF5 backend 'zarr'" in res.stdout


BACKEND_PLUGIN = '''
"""A plugin offering an HDF5 backend: h5py's, which leaves a mark when it is created."""
import os
from pathlib import Path

from daqcore.saving.backends.h5py_backend import H5pyBackend
from daqcore.saving.backends.records import H5BackendRecord


class MarkingBackend(H5pyBackend):
    def __init__(self, *args, **kwargs):
        Path(os.environ["BACKEND_MARK"]).write_text("created")
        super().__init__(*args, **kwargs)


def daqcore_register_h5_backends(register):
    register(H5BackendRecord("marking-h5", MarkingBackend, description="h5py, marked"))
'''


def test_a_plugin_backend_by_name(run_daqcore, tmp_path):
    pytest.importorskip("daqcore.saving.backends.registry")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "marking_backend.py").write_text(BACKEND_PLUGIN)
    mark = tmp_path / "mark"
    env = {**os.environ, "DAQCORE_PLUGINS_DIR": str(plugins), "BACKEND_MARK": str(mark)}
    out = tmp_path / "m.h5"
    res = run_daqcore("scan", "-a", "mock_x", "-d", "mock_0d", "-r", "0", "1", "0.5",
                      "--backend", "marking-h5", "-o", str(out), "--no-progress", env=env)
    assert res.returncode == 0, res.stdout
    assert mark.read_text() == "created"
    with h5py.File(out, "r") as f:
        assert f["RawData/Scan000/Detector000/Data0D/CH00/Data00"].shape == (3,)
