"""Section 11 of the file-format specification matches a Joulescope HDF5 recording."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import h5py
import pytest

from daqcore.saving import decode_attribute

SPEC = Path(__file__).resolve().parents[2] / "docs" / "file_format_spec.md"


def _section_11() -> str:
    text = SPEC.read_text(encoding="utf-8")
    return text[text.index("## 11."):]


def _first_cells(section: str, header: str) -> list[str]:
    table = section[section.index(header):].split("\n\n")[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    return [row.split("|")[1].strip() for row in rows]


@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    path = tmp_path_factory.mktemp("js") / "rec.h5"
    done = subprocess.run([sys.executable, "-m", "daqcore", "joulescope", "record", str(path),
                           "--duration", "0.2", "--sim"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return path


def test_nodes_of_section_11_are_in_a_recording(recording):
    nodes = _first_cells(_section_11(), "| node | type |")
    with h5py.File(recording, "r") as f:
        for cell in nodes:
            for name in re.findall(r"`([^`]+)`", cell):
                if name.startswith("RawData"):
                    path = name.replace("Level<k>", "Level0")
                    assert path in f, f"{path} (spec section 11) is not in the recording"
                    base = path.rsplit("/", 1)[0]
                    for sibling in re.findall(r"`(\w+)`", cell)[1:]:
                        assert f"{base}/{sibling}" in f
                elif "/" not in name and name in ("Mean", "Variance", "Min", "Max"):
                    assert f"RawData/Detector000/Reductions/Level0/{name}" in f
        assert f["RawData/Detector000/Data0D/Ch000/Data00"].dtype == "float32"
        assert f["RawData/Detector000/Data0D/Ch002/Data00"].dtype == "uint8"
        assert f["RawData/Detector000/Reductions/Level0/Mean"].shape[1:] == (6,)


def test_rawdata_attributes_of_section_11(recording):
    cells = _first_cells(_section_11(), "| attribute of `RawData`")
    listed = {name for cell in cells for name in re.findall(r"`([^`]+)`", cell)}
    with h5py.File(recording, "r") as f:
        found = set(f["RawData"].attrs)
        assert found == listed, (sorted(found - listed), sorted(listed - found))
        assert decode_attribute(f["RawData"].attrs["format"]) == "daqcore-joulescope-h5"
        assert decode_attribute(f["RawData"].attrs["format_version"]) == 1
