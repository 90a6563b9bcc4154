"""``H5Saver.init_file`` with a path as first positional argument (H5SaverLowLevel's order)."""

from __future__ import annotations

import pytest

from daqcore.saving import H5Saver
from daqcore.saving.errors import H5FileError


def test_positional_path_is_the_file_name_not_update_h5(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with H5Saver(backend="h5py") as h5:
        assert h5.init_file(tmp_path / "spectra.h5", new_file=True) is True
        assert h5.file_path == tmp_path / "spectra.h5"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spectra.h5"]


def test_two_file_names_are_refused(tmp_path):
    with H5Saver(backend="h5py") as h5, pytest.raises(H5FileError, match="two file names"):
        h5.init_file(tmp_path / "a.h5", file_name=tmp_path / "b.h5")
