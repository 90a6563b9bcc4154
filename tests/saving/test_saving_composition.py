"""Saving internals by concept: the savers hold an H5File; node classes are siblings."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from daqcore.data import DataRaw, DataToExport
from daqcore.saving import (
    CARRAY,
    EARRAY,
    VLARRAY,
    DataLoader,
    DataToExportSaver,
    H5Saver,
    H5SaverLowLevel,
    StringARRAY,
)
from daqcore.saving.h5file import H5File
from daqcore.saving.nodes import ArrayNode


def test_h5file_alone_creates_a_pymodaq_file(tmp_path):
    file = H5File("scan")
    assert file.init_file(tmp_path / "alone.h5") is True
    file.add_log("hello")
    assert file.raw_group.attrs["type"] == "scan"
    file.close_file()
    with DataLoader(tmp_path / "alone.h5") as loader:
        logger = loader.get_node("/RawData/Logger")
        assert isinstance(logger, StringARRAY) and logger.read() == ["hello"]


def test_savers_hold_a_file_and_are_siblings(tmp_path):
    assert not issubclass(H5Saver, H5SaverLowLevel)
    assert not issubclass(H5SaverLowLevel, H5File) and not issubclass(H5Saver, H5File)
    low = H5SaverLowLevel("custom")
    low.init_file(tmp_path / "low.h5", new_file=True)
    gui = H5Saver("custom", base_path=tmp_path)
    gui.init_file(update_h5=True)
    for saver in (low, gui):
        assert isinstance(saver.file, H5File)
        DataToExportSaver(saver).add_data("/RawData",
                                          DataToExport("d", [DataRaw("a", data=[np.ones(3)])]))
        assert saver.get_node("/RawData/Data1D/CH00/Data00").read().tolist() == [1, 1, 1]
        saver.close_file()


def test_init_file_signatures_are_pymodaq_s():
    low = list(inspect.signature(H5SaverLowLevel.init_file).parameters)
    gui = list(inspect.signature(H5Saver.init_file).parameters)
    assert low[:6] == ["self", "file_name", "raw_group_name", "new_file", "metadata", "swmr_mode"]
    assert gui[:5] == ["self", "update_h5", "custom_naming", "addhoc_file_path", "metadata"]


@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_array_nodes_are_siblings_and_substitutable(tmp_path, backend):
    classes = (CARRAY, EARRAY, VLARRAY, StringARRAY)
    for cls in classes:
        assert cls.__mro__[1] is ArrayNode
        assert not any(issubclass(cls, other) for other in classes if other is not cls)
    saver = H5SaverLowLevel("custom", backend=backend)
    saver.init_file(tmp_path / "nodes.h5", new_file=True)
    raw = saver.raw_group
    fixed = saver.add_array(raw, "fixed", "data", array_to_save=np.arange(4.0))
    grow = saver.add_array(raw, "grow", "data_enlargeable", data_shape=(2,), enlargeable=True)
    grow.append(np.ones((3, 2)))
    ragged = VLARRAY(saver.backend.create_vlarray(raw.node, "ragged", np.float64), saver.file)
    ragged.append(np.arange(2.0))
    ragged.append(np.arange(5.0))
    logger = saver.get_set_logger()
    logger.append("one")
    nodes = {"fixed": fixed, "grow": grow, "ragged": ragged, "Logger": logger}
    assert {type(n) for n in nodes.values()} == set(classes)
    lengths = {name: len(node) for name, node in nodes.items()}  # treated alike
    assert lengths == {"fixed": 4, "grow": 3, "ragged": 2, "Logger": 1}
    assert all(isinstance(n.attrs.to_dict(), dict) and n.path == f"/RawData/{n.name}"
               for n in nodes.values())
    assert [r.tolist() for r in ragged.read()] == [[0.0, 1.0], [0.0, 1.0, 2.0, 3.0, 4.0]]
    assert logger.read() == ["one"] and logger[0] == "one"
    saver.close_file()
