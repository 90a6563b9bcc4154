"""Lazy loads (dask): nothing read at load time, same values as eager loads, bounded memory
for a file larger than the memory allowed, and a ``distributed`` cluster computes them."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from daqcore.data import Axis, DataRaw, DataToExport
from daqcore.data.lazy import compute, is_lazy
from daqcore.saving import DataLoader, DataToExportEnlargeableSaver, H5Saver
from daqcore.saving.backends.array_source import HDF5ArraySource

pytest.importorskip("dask.array")

N_SIG = 64


def _write_log(path, n_rows: int, n_sig: int = N_SIG, chunk_rows: int = 50) -> str:
    """An enlargeable log: row i of channel 0 is i + arange(n_sig) / n_sig, with errors."""
    with H5Saver(backend="h5py") as h5:
        h5.init_file(path, new_file=True)
        group = h5.add_det_group(h5.raw_group, "det")
        saver = DataToExportEnlargeableSaver(h5, axis_name="t", axis_units="s")
        signal = np.arange(n_sig) / n_sig
        for start in range(0, n_rows, chunk_rows):
            for i in range(start, min(start + chunk_rows, n_rows)):
                dwa = DataRaw("spec", data=[i + signal], units="V",
                              axes=[Axis("x", "mm", np.linspace(0, 1, n_sig), index=0)],
                              errors=[np.full(n_sig, 0.5)])
                saver.add_data(group, DataToExport("d", data=[dwa]), axis_values=[float(i)])
        return group.path


@pytest.fixture(scope="module")
def log_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("lazy") / "log.h5"
    group = _write_log(path, 300)
    return path, group


def test_lazy_load_reads_nothing_and_computes_the_eager_values(log_file, monkeypatch):
    path, group = log_file
    reads = []
    original = HDF5ArraySource.__getitem__
    monkeypatch.setattr(HDF5ArraySource, "__getitem__",
                        lambda self, key: reads.append(key) or original(self, key))
    with DataLoader(path) as loader:
        eager = loader.load_all(group)[0]
        lazy = loader.load_all(group, lazy=True)[0]
    assert is_lazy(lazy) and reads == []
    assert lazy.shape == eager.shape and lazy.units == eager.units == "V"
    assert [a.label for a in lazy.axes] == [a.label for a in eager.axes]
    mean = lazy.mean(axis=0)
    assert is_lazy(mean) and reads == []
    computed = compute(mean)
    assert reads
    expected = eager.mean(axis=0)
    np.testing.assert_allclose(computed.data[0], expected.data[0])
    np.testing.assert_allclose(computed.errors[0], expected.errors[0])
    np.testing.assert_allclose(compute(lazy).data[0], eager.data[0])


def test_lazy_sliced_load_and_xarray(log_file):
    path, group = log_file
    with DataLoader(path) as loader:
        node = f"{group}/Data1D/CH00/EnlData00"
        window = loader.load_data(node, nav=slice(100, 200), lazy=True)
        eager = loader.load_data(node, nav=slice(100, 200))
    assert is_lazy(window) and window.shape == (100, N_SIG)
    np.testing.assert_allclose(compute(window).data[0], eager.data[0])
    dataset = window.to_xarray()
    assert hasattr(dataset["CH00"].data, "dask")
    np.testing.assert_allclose(dataset["CH00"].data.compute(), eager.data[0])


def test_lazy_arrays_pickle_for_other_processes(log_file):
    path, group = log_file
    with DataLoader(path) as loader:
        lazy = loader.load_all(group, lazy=True)[0]
    clone = pickle.loads(pickle.dumps(lazy.data[0]))
    np.testing.assert_allclose(clone[5].compute(), 5 + np.arange(N_SIG) / N_SIG)


@pytest.mark.slow
def test_a_distributed_cluster_computes_a_lazy_mean(log_file):
    distributed = pytest.importorskip("distributed")
    path, group = log_file
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with DataLoader(path) as loader:
            lazy = loader.load_all(group, lazy=True)[0]
        result = client.compute(lazy.data[0].mean(axis=0)).result()
    np.testing.assert_allclose(result, 149.5 + np.arange(N_SIG) / N_SIG)


_BOUNDED = textwrap.dedent("""
    import json, resource, sys
    import numpy as np
    import dask, dask.array, h5py
    from daqcore.data.lazy import compute
    from daqcore.saving import DataLoader
    import daqcore.saving.lazy, daqcore.saving.backends.array_source  # imported before the limit

    path, group, budget = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open("/proc/self/status") as status:
        vm = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + budget, vm + budget))
    with DataLoader(path) as loader:
        lazy = loader.load_all(group, lazy=True)[0]
        mean = compute(lazy.mean(axis=0), scheduler="synchronous")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"mean": mean.data[0].tolist(), "nbytes": lazy.data[0].nbytes,
                      "peak": peak}))
""")


@pytest.mark.slow
def test_mean_of_a_file_three_times_larger_than_the_memory_allowed(tmp_path):
    budget = 160 * 2**20
    n_sig = 100_000  # 800 kB per row
    n_rows = 3 * budget // (8 * n_sig) + 10
    path = tmp_path / "big.h5"
    group = _write_log(path, n_rows, n_sig=n_sig, chunk_rows=n_rows)
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}  # no thread pools reserving address space
    done = subprocess.run([sys.executable, "-c", _BOUNDED, str(path), group, str(budget)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["nbytes"] > 3 * budget
    expected = (n_rows - 1) / 2 + np.arange(n_sig) / n_sig
    np.testing.assert_allclose(result["mean"], expected)
