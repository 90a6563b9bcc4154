"""docs/file_format_spec.md against files daqcore really writes.

The attribute tables of section 4 are parsed and checked, node by node, on files written with
both backends by the savers and by the scan and log engines: every attribute a node carries
is listed in its table with the encoding found in the file, every attribute written
"always" is there (``PyTables`` rows: exactly in PyTables files), and the values the tables
name (``CLASS``, ``type``, ``data_type``...) are those stored. The shapes of section 5, the
NaN of unvisited scan points, the Logger rows and large attributes are checked directly.
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from docs_pages import DOCS

SPEC = DOCS / "file_format_spec.md"
#: attributes whose stored value must be one of the `literals` of the table's value column
CHECKED_VALUES = {"CLASS", "type", "data_type", "data_dimension", "source", "distribution",
                  "subdtype", "backend", "pymodaq_version", "pymodaq_data_version", "status",
                  "EXTDIM", "swmr_active", "swmr_compatible"}


# ------------------------------------------------------------------------- the spec's tables
def spec_tables() -> dict[str, dict[str, tuple[str, str, str]]]:
    """Section number ('4.1') -> attribute -> (encoding, value, written); '*' for wildcards."""
    tables: dict[str, dict[str, tuple[str, str, str]]] = {}
    section = None
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### (4\.\d+) ", line)
        if heading:
            section = heading.group(1)
            tables[section] = {}
            continue
        if line.startswith("## "):
            section = None
        if section is None or not line.startswith("| ") or line.startswith("| attribute") \
                or line.startswith("|---"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`([^`]+)`", cells[0]) or ["*"]
        for name in names:
            tables[section][name] = (cells[1], cells[2], cells[3])
    return tables


def test_spec_tables_parse():
    tables = spec_tables()
    assert sorted(tables) == [f"4.{i}" for i in range(1, 10)]
    assert tables["4.7"]["nav_indexes"][0] == "json tuple"
    assert tables["4.8"]["offset"][0].startswith("json float")


def test_encoding_table_examples_round_trip():
    """Every example value of the table of section 3.1 is read back by daqcore's decoder."""
    from daqcore.saving import decode_attribute, encode_attribute

    text = SPEC.read_text(encoding="utf-8")
    table = text[text.index("### 3.1"):text.index("### 3.2")]
    rows = [line for line in table.splitlines()
            if line.startswith("| `") and not line.startswith("| `type`")]
    assert len(rows) >= 6
    for row in rows:
        _types, module, examples = (c.strip() for c in row.strip("|").split("|"))
        for example in re.findall(r"`([^`]+)`", examples):
            value = decode_attribute(json.dumps({"module": module.strip("`"), "type": "x",
                                                 "data": example}))
            again = decode_attribute(encode_attribute(value))
            assert again == value or value != value, (row, example)


# ------------------------------------------------------------------------- files to check
def _write_files(folder: Path, backend: str) -> dict[str, Path]:
    from daqcore.data import Axis, DataRaw, DataToExport
    from daqcore.saving import (
        DataToExportExtendedSaver,
        DataToExportSaver,
        DataToExportTimedSaver,
        H5SaverLowLevel,
    )

    files = {}
    path = files["scan"] = folder / f"scan_{backend}.h5"
    h5 = H5SaverLowLevel("scan", backend=backend)
    h5.init_file(path, new_file=True, metadata={"sample": "Si", "notes": "x" * 70_000})
    scan = h5.add_scan_group(h5.raw_group, title="my scan", settings_as_xml="<xml/>")
    det = h5.add_det_group(scan, title="det0", settings_as_xml="<det/>")
    saver = DataToExportExtendedSaver(h5, extended_shape=(3, 2))
    saver.add_nav_axes(det, [Axis("x", "mm", np.array([0.0, 1, 2]), index=0),
                             Axis("y", "mm", np.array([0.0, 5]), index=1)])
    for i, j in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]:  # (2, 1) never visited
        saver.add_data(det, DataToExport("det0", data=[
            DataRaw("temp", data=[np.array([10.0 * i + j]), np.array([1.0])],
                    labels=["T1", "T2"], units="K"),
            DataRaw("spectrum", data=[np.arange(4.0) + i], units="V", myextra=3,
                    axes=[Axis("wavelength", "nm", np.linspace(400, 430, 4), index=0)],
                    errors=[np.full(4, 0.1)])]), indexes=(i, j))
    h5.add_log("scan done")
    h5.close_file()

    path = files["snapshot"] = folder / f"snapshot_{backend}.h5"
    h5 = H5SaverLowLevel("detector", backend=backend)
    h5.init_file(path, new_file=True)
    det = h5.add_det_group(h5.raw_group, title="cam", settings_as_xml="<det/>")
    image = DataToExport("cam", data=[DataRaw("img", data=[np.ones((2, 3))], units="counts",
                                              errors=[np.full((2, 3), 0.5)])])
    snapshot = DataToExportSaver(h5)
    snapshot.add_data(det, image, settings_as_xml="<s/>")
    snapshot.add_bkg(det, image)
    h5.close_file()

    path = files["log"] = folder / f"log_{backend}.h5"
    h5 = H5SaverLowLevel("logger", backend=backend)
    h5.init_file(path, new_file=True, swmr_mode=backend == "h5py")
    det = h5.add_det_group(h5.raw_group, title="meter")
    timed = DataToExportTimedSaver(h5)
    for k in range(3):
        dte = DataToExport("meter", data=[DataRaw("power", data=[np.array([1.0 + k])],
                                                  units="W")])
        dte.timestamp = 1000.0 + k
        timed.add_data(det, dte)
        if k == 0 and backend == "h5py":
            h5.enable_swmr()  # a timed saver leaves SWMR to the caller, as in PyMoDAQ
    h5.close_file()
    return files


def _engine_files(folder: Path) -> dict[str, Path]:
    from daqcore.acquisition import Logger, Scan, Scanner2DGrid, open_instruments

    with open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"]) as (stage, dets):
        scan = Scan(stage, dets, Scanner2DGrid((0, 1, 1), (0, 1, 1)),
                    path=folder / "engine_scan.h5", title="engine").run()
    with open_instruments([], ["mock_0d"]) as (_, dets):
        log = Logger(dets, 0.01, n_samples=3, path=folder / "engine_log.h5").run()
    return {"engine_scan": Path(scan.path), "engine_log": Path(log.path)}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spec")
    found = {}
    for backend in ("h5py", "tables"):
        found.update({f"{k}_{backend}": v for k, v in _write_files(folder, backend).items()})
    found.update(_engine_files(folder))
    return found


# ------------------------------------------------------------------------- classification
def section_of(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if path == "/":
        return "4.1"
    if path == "/RawData":
        return "4.2"
    if path == "/RawData/Logger" or path.startswith("/LargeAttributes"):
        return "4.9"
    for pattern, section in ((r"Scan\d{3}", "4.3"), (r"(Detector|Actuator)\d{3}", "4.4"),
                             (r"Data(0D|1D|2D|ND)|NavAxes", "4.5"), (r"CH\d\d", "4.6"),
                             (r"(Data|EnlData|ErrorBar|Bkg)\d\d", "4.7"), (r"Axis\d\d", "4.8")):
        if re.fullmatch(pattern, name):
            return section
    raise AssertionError(f"node {path} matches no rule of section 1 (Names)")


def _nodes(path: Path) -> list[tuple[str, dict[str, object]]]:
    """(path, attributes) of every node of the file, the root first."""
    with h5py.File(path, "r") as f:
        found: list[tuple[str, h5py.HLObject]] = [("/", f)]
        f.visititems(lambda name, obj: found.append(("/" + name, obj)))
        return [(p, {k: n.attrs[k] for k in n.attrs}) for p, n in found]


def encoding_of(value: object) -> str:
    """The encoding of a stored attribute, in the spec's words."""
    if isinstance(value, np.uint8):
        return "raw uint8"
    if isinstance(value, (np.integer, int)):
        return "raw int"
    if isinstance(value, h5py.Empty):
        return "raw str"
    text = value.decode() if isinstance(value, (bytes, np.bytes_)) else value
    assert isinstance(text, str), f"unexpected attribute value {value!r}"
    try:
        obj = json.loads(text)
    except ValueError:
        return "raw str"
    if isinstance(obj, dict) and {"module", "type", "data"} <= set(obj):
        return f"json {obj['type']}"
    return "raw str"


def _decoded(value: object) -> str:
    from daqcore.saving import decode_attribute

    if isinstance(value, h5py.Empty):
        return ""
    return str(decode_attribute(value))


def _check_file(label: str, path: Path, tables: dict) -> list[str]:
    problems = []
    tables_backend = label.endswith("tables")
    for node_path, attrs in _nodes(path):
        section = section_of(node_path)
        table = tables[section]
        where = f"{label}:{node_path} (section {section})"
        for name, value in attrs.items():
            row = table.get(name) or table.get("*")
            if row is None:
                problems.append(f"{where}: attribute {name!r} is in no table")
                continue
            found = encoding_of(value)
            allowed = [e.strip() for e in row[0].split(" or ")]
            if row is table.get(name) and found not in allowed and not (
                    allowed == ["json"] and found.startswith("json")):
                problems.append(f"{where}: {name!r} stored as {found}, spec says {row[0]}")
            literals = ["" if lit == "''" else lit for lit in re.findall(r"`([^`]*)`", row[1])]
            if name in CHECKED_VALUES and literals and _decoded(value) not in literals:
                problems.append(f"{where}: {name!r} = {_decoded(value)!r}, spec: {literals}")
        for name, (_, _, written) in table.items():
            if name == "*":
                continue
            if written == "always" and name not in attrs:
                problems.append(f"{where}: {name!r} is written 'always' but missing")
            if written == "PyTables" and (name in attrs) != tables_backend:
                problems.append(f"{where}: {name!r} is PyTables-only, presence {name in attrs}")
    return problems


def test_every_node_matches_its_table(files):
    tables = spec_tables()
    problems = [p for label, path in files.items() for p in _check_file(label, path, tables)]
    assert not problems, "\n".join(problems[:40])


def test_conditional_attributes_are_written_when_the_spec_says(files):
    with h5py.File(files["log_h5py"], "r") as f:
        assert f.attrs["swmr_active"] == 0 and "swmr_compatible" in f.attrs
    with h5py.File(files["scan_h5py"], "r") as f:
        assert "swmr_active" not in f.attrs
        assert "myextra" in f["RawData/Scan000/Detector000/Data1D/CH00/Data00"].attrs
        assert "sample" in f["RawData"].attrs
    with h5py.File(files["snapshot_tables"], "r") as f:
        assert "settings" in f["RawData/Detector000/Data2D/CH00/Data00"].attrs
    with h5py.File(files["engine_scan"], "r") as f:
        scan = f["RawData/Scan000"]
        for name in ("scan_type", "scan_subtype", "scan_shape", "naverage", "n_points",
                     "n_points_done", "status"):
            assert name in scan.attrs, name
    with h5py.File(files["engine_log"], "r") as f:
        assert {"n_samples_done", "status"} <= set(f["RawData"].attrs)


# ------------------------------------------------------------------------- sections 3, 5-8
@pytest.mark.parametrize("backend", ["h5py", "tables"])
def test_shapes_nav_indexes_and_axes(files, backend):
    from daqcore.saving import decode_attribute as dec

    with h5py.File(files[f"scan_{backend}"], "r") as f:
        det = f["RawData/Scan000/Detector000"]
        t1, spectrum = det["Data0D/CH00/Data00"], det["Data1D/CH00/Data00"]
        assert t1.shape == (3, 2) and spectrum.shape == (3, 2, 4)  # 0D (1,) dropped
        assert dec(t1.attrs["nav_indexes"]) == (0, 1) == dec(spectrum.attrs["nav_indexes"])
        assert dec(det["Data1D/CH00/Axis00"].attrs["index"]) == 2  # shifted by len(scan_shape)
        assert det["Data1D/CH00/ErrorBar00"].shape == spectrum.shape
        assert np.isnan(t1[2, 1]) and np.all(np.isnan(spectrum[2, 1]))  # never visited
        assert t1[1, 1] == 11.0
        assert [dec(det[f"NavAxes/Axis0{i}"].attrs["index"]) for i in (0, 1)] == [0, 1]
        logger = f["RawData/Logger"]
        assert pickle.loads(logger[0].tobytes()) == "scan done"
        notes = dec(f["RawData"].attrs["notes"])
        if backend == "h5py":  # any size inline (dense attribute storage), as PyMoDAQ
            assert notes == "x" * 70_000 and "LargeAttributes" not in f
        else:  # over one 64 KiB PyTables header message: a dataset
            assert notes == "/LargeAttributes/Attr00000"
            text = f[notes][()].tobytes().decode("utf-8")
            assert json.loads(text)["type"] == "str" and "x" * 100 in text
    with h5py.File(files[f"snapshot_{backend}"], "r") as f:
        channel = f["RawData/Detector000/Data2D/CH00"]
        assert channel["Data00"].shape == channel["Bkg00"].shape == (2, 3)
        assert dec(channel["Data00"].attrs["nav_indexes"]) == ()
    with h5py.File(files[f"log_{backend}"], "r") as f:
        power = f["RawData/Detector000/Data0D/CH00/EnlData00"]
        assert power.shape == (3, 1) and power.maxshape[0] is None  # 0D stays (N, 1)
        assert dec(power.attrs["nav_indexes"]) == (0,)
        assert dec(power.attrs["shape"]) == (3, 1)  # reconciled at close
        time_axis = f["RawData/Detector000/NavAxes/Axis00"]
        assert list(time_axis[:]) == [1000.0, 1001.0, 1002.0]
        assert (dec(time_axis.attrs["label"]), dec(time_axis.attrs["units"])) == ("time", "s")


# ------------------------------------------------------------------------- section 10: streams
def _stream_rows(title: str) -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    section = text[text.index("## 10. Stream files"):]
    header = section.index(f"| {title} |")
    rows = []
    for line in section[header:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.extend(re.findall(r"`([^`]+)`", line.strip("|").split("|")[0]))
    return rows


def test_stream_file_matches_section_10(tmp_path):
    from daqcore_plugins.picoscope import StreamConfig, stream_to_file

    path = tmp_path / "stream.hdf5"
    config = StreamConfig.simple("A,B", "2V", resolution_bits=12, sample_rate_sps=5e6)
    assert stream_to_file(path, config, sim=True, max_samples=200_000).ok
    datasets = [d.replace("<x>", "a") for d in _stream_rows("dataset")]
    attributes = _stream_rows("attribute (root)")
    with h5py.File(path, "r") as f:
        assert sorted(f) == sorted(set(datasets) | {"adc_counts_b"})
        assert f["adc_counts_a"].dtype == np.int16 and f["stream_head"][1] == 200_000
        assert len(f["stream_summary"]) == len(f["stream_summary"].attrs["fields"].split(","))
        patterns = [re.escape(a).replace("<x>", "[a-d]").replace("<X>", "[A-D]")
                    for a in attributes]
        found = set(f.attrs)
        unlisted = [a for a in found if not any(re.fullmatch(p, a) for p in patterns)]
        missing = [a for a in attributes if "<" not in a and a not in found]
        assert not unlisted and not missing, (unlisted, missing)
        assert f.attrs["stream_format"] == "daqcore-stream-1"
        assert f.attrs["n_produced"] == f.attrs["n_written"] + f.attrs["n_lost"]
