"""Saving enums and NodeError against pymodaq_data (issue 11, item 4)."""

from __future__ import annotations

import pytest

from daqcore.saving import enums
from daqcore.saving.errors import NodeError

saving = pytest.importorskip("pymodaq_data.h5modules.saving")
backends = pytest.importorskip("pymodaq_data.h5modules.backends")

PAIRS = [(enums.DataType, saving.DataType), (enums.FileType, saving.FileType),
         (enums.SaveType, backends.SaveType), (enums.GroupType, backends.GroupType)]


@pytest.mark.parametrize(("ours", "theirs"), PAIRS, ids=[p[0].__name__ for p in PAIRS])
def test_same_members_and_name_equality(ours, theirs):
    assert ours.to_dict() == theirs.to_dict()
    assert ours.names() == theirs.names() and ours.values() == theirs.values()
    for name in ours.names():
        assert (name == ours[name]) is (name == theirs[name]) is True
        assert (ours[name] == name) is (theirs[name] == name) is True
        assert ours[name] != f"{name}_other"
        assert {ours[name]: 1}[name] == 1  # hashes like its name
    assert ours.check(ours.names()[0].upper()) is ours[ours.names()[0]]


def test_node_error_is_also_what_pymodaq_raises():
    with pytest.raises(NameError):
        raise NodeError("no data named 'x'")
    with pytest.raises(KeyError):  # what daqcore raised before
        raise NodeError("no node")
    assert str(NodeError("no node 'a'")) == "no node 'a'"
