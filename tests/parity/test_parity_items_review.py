"""Review of issue 11: the rows of ``docs/migration.md`` checked against pymodaq_data.

Each row of the migration tables states what pymodaq_data 5.3 does and what daqcore does with
the same input. Here every row not already compared elsewhere (``tests/parity/``,
``tests/data/test_data_pymodaq_parity.py``) runs its input with both libraries and asserts
both sides of the row, so the page goes stale loudly: a PyMoDAQ release that changes its
behaviour, or a daqcore change, fails the row's test.
"""

from __future__ import annotations

import logging
import types
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("pymodaq_data")
h5py = pytest.importorskip("h5py")
tables = pytest.importorskip("tables")

import daqcore.data as dc  # noqa: E402
from daqcore import saving as dcs  # noqa: E402
from daqcore.errors import DaqcoreError  # noqa: E402
from daqcore.saving import errors as saving_errors  # noqa: E402

BACKENDS = ["h5py", "tables"]


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyMoDAQ's DataIndexWarning, PyTables' warnings
        yield


def _library(name: str, data: Any, backends: Any, saving: Any,
             data_saving: Any) -> types.SimpleNamespace:
    """One library's names as these tests use them (PyMoDAQ's modules, or daqcore's)."""
    return types.SimpleNamespace(
        name=name, data=data, Axis=data.Axis, DataRaw=data.DataRaw,
        DataToExport=data.DataToExport, H5SaverLowLevel=saving.H5SaverLowLevel,
        H5Backend=backends.H5Backend, DataToExportSaver=data_saving.DataToExportSaver,
        DataToExportExtendedSaver=data_saving.DataToExportExtendedSaver,
        DataLoader=data_saving.DataLoader, backends=backends, backends_saving=data_saving)


def _pymodaq() -> types.SimpleNamespace:
    from pymodaq_data import data
    from pymodaq_data.h5modules import backends, data_saving, saving

    return _library("pymodaq", data, backends, saving, data_saving)


def _daqcore() -> types.SimpleNamespace:
    return _library("daqcore", dc, dcs, dcs, dcs)


PMD, DC = _pymodaq(), _daqcore()


class Raised:
    """An outcome that is an exception: its class names (MRO) and message."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.names = [cls.__name__ for cls in type(error).__mro__]

    def __repr__(self) -> str:
        return f"Raised({self.names[0]}: {self.error})"


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as error:
        return Raised(error)


def _raises(name: str, *also: type[BaseException]) -> Callable[[Any], bool]:
    """An expectation: the outcome is an exception of class ``name`` (or with ``name`` in
    its MRO), also an instance of ``also``; for daqcore, a DaqcoreError."""

    def check(outcome: Any) -> bool:
        if not isinstance(outcome, Raised) or name not in outcome.names:
            return False
        return all(isinstance(outcome.error, cls) for cls in also)

    check.__name__ = f"raises {name}"
    return check


def _is(value: Any) -> Callable[[Any], bool]:
    def check(outcome: Any) -> bool:
        return not isinstance(outcome, Raised) and outcome == value

    check.__name__ = f"== {value!r}"
    return check


X = np.linspace(0.0, 9.0, 10)


def _spectrum(lib: Any, units: str = "V") -> Any:
    return lib.DataRaw(
        "s", data=[X**2, X.copy()], units=units, axes=[lib.Axis("x", "mm", X.copy(), index=0)]
    )


def _scan(lib: Any) -> Any:
    return lib.DataRaw(
        "scan",
        data=[np.ones((2, 3, 4))],
        nav_indexes=(0, 1),
        axes=[
            lib.Axis("a", data=np.arange(2.0), index=0),
            lib.Axis("b", data=np.arange(3.0), index=1),
            lib.Axis("w", data=np.arange(4.0), index=2),
        ],
    )


def _axes(dwa: Any) -> list[tuple[str, int, int]]:
    return sorted((axis.label, axis.index, len(axis)) for axis in dwa.axes)


# ----------------------------------------------------- data model rows: what each library gives
#: (row of docs/migration.md, input run with both libraries, PyMoDAQ's result, daqcore's)
DATA_ROWS: list[tuple[str, Callable[[Any], Any], Callable[[Any], bool], Callable[[Any], bool]]] = [
    # "Where PyMoDAQ silently does something wrong, daqcore refuses"
    (
        "invalid units string",
        lambda L: L.DataRaw("d", data=[np.ones(3)], units="wattz").units,
        _is(""),
        _raises("DataUnitsError"),
    ),
    (
        "errors not matching the data",
        lambda L: L.DataRaw("d", data=[np.ones(3)], errors=[np.ones(4)]).errors,
        _is(None),
        _raises("DataShapeError"),
    ),
    (
        "axis length not matching its dimension",
        lambda L: [
            a.label
            for a in L.DataRaw(
                "d", data=[np.ones(3)], axes=[L.Axis("x", data=np.arange(4.0), index=0)]
            ).axes
        ],
        _is(["x"]),
        _raises("DataAxisError"),
    ),  # PyMoDAQ: an index axis labelled 'x'
    (
        "more labels than channels",
        lambda L: L.DataRaw("d", data=[np.ones(3)], labels=["a", "b"]).labels,
        _is(["a", "b"]),
        _raises("DataShapeError"),
    ),
    (
        "merge_as_dwa of different shapes",
        lambda L: (
            L.DataToExport(
                "e", data=[L.DataRaw("a", data=[np.ones(3)]), L.DataRaw("b", data=[np.ones(4)])]
            )
            .merge_as_dwa("Data1D")
            .shape
        ),
        _is((3,)),
        _raises("DataShapeError"),
    ),
    (
        "an empty value slice",
        lambda L: L.DataRaw(
            "d", data=[np.ones(5)], axes=[L.Axis("x", data=np.arange(5.0), index=0)]
        ).vsig[0.3:0.9],
        _raises("IndexError"),
        _raises("DataIndexError", IndexError),
    ),
    # "Where daqcore's result differs, and why it is kept"
    (
        "errors in arithmetic",
        lambda L: (lambda d: [e.tolist() for e in d.errors])(
            L.DataRaw("a", data=[np.ones(2)], errors=[np.full(2, 3.0)])
            + L.DataRaw("b", data=[np.ones(2)], errors=[np.full(2, 4.0)])
        ),
        _is([[3.0, 3.0]]),
        _is([[5.0, 5.0]]),
    ),
    (
        "units of a sliced DWA",
        lambda L: (_spectrum(L).isig[2:5].units, _spectrum(L).vsig[2.0:5.0].units),
        _is(("", "")),
        _is(("V", "V")),
    ),
    (
        "axes of multi-dimensional slices",
        lambda L: _axes(_scan(L).inav[0]),
        _is([("a", 0, 3), ("w", 1, 4)]),
        _is([("b", 0, 3), ("w", 1, 4)]),
    ),
    ("name of a.pad(2)", lambda L: _spectrum(L).pad(2).name, _is("s_pad"), _is("s")),
    (
        "dim after a reduction of navigated data",
        lambda L: (lambda r: (r.dim.name, tuple(r.nav_indexes)))(_scan(L).mean(2)),
        _is(("Data2D", (0, 1))),
        _is(("DataND", (0, 1))),
    ),
    (
        "units of moment() and interp() results",
        lambda L: (
            [m.units for m in _spectrum(L).moment()],
            _spectrum(L).interp(np.array([1.5])).units,
        ),
        _is((["", ""], "")),
        _is((["mm", "mm"], "V")),
    ),
    (
        "kind of a slice",
        lambda L: (lambda s: (type(s).__name__, getattr(s, "do_plot", None)))(
            L.DataRaw(
                "p", data=[X.copy()], do_plot=False, axes=[L.Axis("x", "mm", X.copy(), index=0)]
            ).isig[2:5]
        ),
        _is(("DataWithAxes", None)),
        _is(("DataRaw", False)),
    ),
    ("vsig[a:] on a linear axis", lambda L: _spectrum(L).vsig[5.0:].shape, _is((4,)), _is((5,))),
    (
        "a value on a grid point with rounding error",
        lambda L: L.Axis("x", data=np.arange(0.0, 1.0, 0.1)).find_index(0.3),
        _is(2),
        _is(3),
    ),
    (
        "min/max/mean/axis_width of a linear axis",
        lambda L: (lambda a: (a.min(), a.max(), a.mean(), float(a.axis_width.magnitude)))(
            L.Axis("x", "mm", X.copy(), index=0)
        ),
        _is((0.0, 10.0, 5.0, 10.0)),
        _is((0.0, 9.0, 4.5, 9.0)),
    ),
    (
        "find_index above the last value",
        lambda L: L.Axis("x", data=X.copy()).find_index(20.0),
        _is(10),
        _is(9),
    ),
    (
        "Axis.units_as(..., inplace=False)",
        lambda L: (lambda a: (a.index, type(a.get_data()).__name__))(
            L.Axis("x", "m", X.copy(), index=2).units_as("mm", inplace=False)
        ),
        _is((0, "Quantity")),
        _is((2, "ndarray")),
    ),
    (
        "a linear axis built from values",
        lambda L: L.Axis("x", data=np.array([0.0, 0.1, 0.2, 0.30000000001])).get_data()[1],
        lambda v: not isinstance(v, Raised) and v != 0.1,
        _is(0.1),
    ),
    (
        "linearity test of an axis",
        lambda L: bool(L.Axis("t", data=np.array([0.0, 1e-9, 2.5e-9, 3e-9])).is_axis_linear()),
        _is(True),
        _is(False),
    ),
    (
        "dte.deepcopy()",
        lambda L: (lambda d: (lambda c: (c.name, c.timestamp == d.timestamp))(d.deepcopy()))(
            L.DataToExport("mine", data=[_spectrum(L)])
        ),
        _is(("Copy", False)),
        _is(("mine", True)),
    ),
    (
        "dwa.split_as_dte(name)",
        lambda L: [
            (d.origin, d.errors is not None)
            for d in L.DataRaw("s", data=[X, X], errors=[X, X], origin="o").split_as_dte("n")
        ],
        _is([("n", False), ("n", False)]),
        _is([("o", True), ("o", True)]),
    ),
    ("bool(dwa)", lambda L: bool(L.DataRaw("z", data=[np.zeros(3)])), _is(False), _is(True)),
    (
        "a 1-point slice with other length-1 dimensions",
        lambda L: L.DataRaw("d", data=[np.ones((1, 5, 3))], nav_indexes=(0,)).isig[2:3].shape,
        _raises("IndexError"),
        _is((1, 3)),
    ),
    (
        "DataWithAxes positional arguments after source",
        lambda L: L.data.DataWithAxes("a", "raw", [X.copy()]).shape,
        lambda v: isinstance(v, Raised),
        _is((10,)),
    ),
    (
        "get_signal_axes()",
        lambda L: [
            a.label
            for a in L.DataRaw(
                "d",
                data=[np.ones((1, 4))],
                axes=[
                    L.Axis("one", data=np.array([1.0]), index=0),
                    L.Axis("f", data=np.arange(4.0), index=1),
                ],
            ).axes_manager.get_signal_axes()
        ],
        _is(["f"]),
        _is(["one", "f"]),
    ),
    (
        "AxesManager.get_sorted_index",
        lambda L: (lambda d: (d.axes_manager.get_sorted_index(0), d.axes[0].get_data().tolist()))(
            L.DataRaw(
                "d",
                data=[np.arange(3.0)],
                axes=[L.Axis("x", data=np.array([2.0, 0.0, 1.0]), index=0)],
            )
        )[1],
        _is([0.0, 1.0, 2.0]),
        _is([2.0, 0.0, 1.0]),
    ),
    # "Errors" table rows not in test_data_pymodaq_parity.BAD_INPUTS
    (
        "channels of different shapes",
        lambda L: L.DataRaw("i", data=[np.ones(3), np.ones(4)]),
        _raises("DataShapeError"),
        _raises("DataShapeError"),
    ),
    (
        "moment() on 2D data",
        lambda L: L.DataRaw("i", data=[np.ones((3, 4))]).moment(),
        _raises("DataDimError"),
        _raises("DataDimError"),
    ),
    (
        "dwa.units_as('s') on metres",
        lambda L: _spectrum(L, "m").units_as("s"),
        _raises("DataUnitError"),
        _raises("IncompatibleUnitsError", dc.DataUnitError),
    ),
]


@pytest.mark.parametrize(
    ("row", "make", "theirs", "ours"), DATA_ROWS, ids=[row for row, *_ in DATA_ROWS]
)
def test_data_model_row_of_the_migration_table(row, make, theirs, ours):
    their_outcome, our_outcome = _outcome(lambda: make(PMD)), _outcome(lambda: make(DC))
    assert theirs(their_outcome), f"{row}: PyMoDAQ gives {their_outcome!r}, not {theirs.__name__}"
    assert ours(our_outcome), f"{row}: daqcore gives {our_outcome!r}, not {ours.__name__}"
    if isinstance(our_outcome, Raised):
        assert isinstance(our_outcome.error, DaqcoreError) and str(our_outcome.error)


@pytest.mark.parametrize("call", ["fit", "find_peaks", "find_peaks without peak"])
def test_processing_errors_derive_from_pymodaq_s(call):
    """Errors table: ``fit``/``find_peaks`` on 2D data (PyMoDAQ ``ValueError``), no peak
    found (PyMoDAQ ``IndexError`` deep in numpy; daqcore names the channel)."""
    pytest.importorskip("scipy")

    def make(lib: Any) -> Any:
        if call == "find_peaks without peak":
            return lib.DataRaw("i", data=[np.zeros(10)]).find_peaks(height=1.0)
        image = lib.DataRaw("i", data=[np.ones((3, 4))])
        if call == "fit":
            return image.fit(lambda x, a: a * x, [1.0])
        return image.find_peaks()

    theirs, ours = _outcome(lambda: make(PMD)), _outcome(lambda: make(DC))
    expected = IndexError if call == "find_peaks without peak" else ValueError
    assert isinstance(theirs, Raised) and type(theirs.error) is expected
    assert isinstance(ours, Raised) and isinstance(ours.error, expected)
    assert isinstance(ours.error, DaqcoreError)
    assert ours.names[0] == ("DataIndexError" if expected is IndexError else "DataDimError")
    if expected is IndexError:
        assert "CH00" in str(ours.error)


# ----------------------------------------------------------------- saving rows: file behaviour
def _saver_file(lib: Any, path: Path, backend: str, **init: Any) -> Any:
    h5 = lib.H5SaverLowLevel(save_type="scan", backend=backend)
    h5.init_file(file_name=path, new_file=True, **init)
    return h5


def test_swmr_active_is_reset_when_the_file_is_closed(tmp_path):
    """Row 'swmr_active root attribute after closing a file whose scan used SWMR'."""
    found = {}
    for lib in (PMD, DC):
        path = tmp_path / f"{lib.name}.h5"
        h5 = _saver_file(lib, path, "h5py", swmr_mode=True)
        det = h5.add_det_group(h5.raw_group, "det")
        lib.DataToExportExtendedSaver(h5, extended_shape=(2,)).add_data(
            det, lib.DataToExport("d", data=[lib.DataRaw("x", data=[np.ones(2)])]), indexes=(0,)
        )
        assert h5.is_swmr_active
        h5.close_file()
        with h5py.File(path, "r") as f:
            found[lib.name] = f.attrs["swmr_active"]
    assert found["pymodaq"] is np.True_ or found["pymodaq"] == True  # noqa: E712
    assert found["daqcore"] == 0 and found["daqcore"].dtype == np.uint8


@pytest.mark.parametrize("backend", BACKENDS)
def test_numeric_looking_origin_stays_a_string(backend, tmp_path):
    """Row 'raw string attributes that parse as JSON numbers': a channel group's ``origin`` is
    a raw string (PyTables writes it so; ``docs/file_format.md``); PyMoDAQ's reader
    ``json.loads`` it, so an origin named '12' becomes 12; daqcore keeps the name. The loaded
    DataWithAxes keeps it in both (its data arrays hold a JSON-wrapped copy)."""
    found = {}
    for writer in (PMD, DC):
        path = tmp_path / f"{writer.name}.h5"
        h5 = _saver_file(writer, path, backend)
        det = h5.add_det_group(h5.raw_group, "det")
        writer.DataToExportSaver(h5).add_data(
            det,
            writer.DataToExport("d", data=[writer.DataRaw("x", data=[np.ones(2)], origin="12")]),
        )
        h5.close_file()
        for reader in (PMD, DC):
            loader = reader.DataLoader(path)
            try:
                found[writer.name, reader.name] = (
                    loader.get_node("/RawData/Detector000/Data1D/CH00").attrs["origin"],
                    loader.load_data("/RawData/Detector000/Data1D/CH00/Data00").origin,
                )
            finally:
                loader.close_file()
    assert {key: value[1] for key, value in found.items()} == dict.fromkeys(found, "12")
    assert {key: value[0] for key, value in found.items()} == {
        ("pymodaq", "pymodaq"): 12,
        ("pymodaq", "daqcore"): "12",
        ("daqcore", "pymodaq"): 12,
        ("daqcore", "daqcore"): "12",
    }


@pytest.mark.parametrize("backend", BACKENDS)
def test_root_attributes_of_a_new_file(backend, tmp_path):
    """Row 'root attributes of a new file': ``pymodaq_version`` (the installed pymodaq in
    PyMoDAQ, the file-format generation in daqcore), ``daqcore_version``, and ``CLASS`` on the
    root of a file made by ``H5Backend.open_file`` alone with h5py."""
    from importlib.metadata import version

    found = {}
    for lib in (PMD, DC):
        saver_path, bare_path = tmp_path / f"{lib.name}.h5", tmp_path / f"{lib.name}_bare.h5"
        _saver_file(lib, saver_path, backend).close_file()
        bare = lib.H5Backend(backend)
        bare.open_file(bare_path, "w")
        bare.close_file()
        h5 = lib.H5Backend("h5py")  # h5py lists the root attributes of both libraries
        h5.open_file(saver_path, "r")
        found[lib.name] = h5.root().attrs.to_dict()
        h5.close_file()
        with h5py.File(bare_path, "r") as f:
            found[lib.name]["bare CLASS"] = "CLASS" in f.attrs
    theirs, ours = found["pymodaq"], found["daqcore"]
    assert theirs["pymodaq_version"] == version("pymodaq")  # the installed pymodaq
    assert "daqcore_version" not in theirs
    assert ours["pymodaq_version"] == ours["pymodaq_data_version"] == "5.3.0"
    assert ours["daqcore_version"] == version("daqcore")
    assert theirs["CLASS"] == ours["CLASS"] == "GROUP"  # a saver's file: in both
    assert theirs["bare CLASS"] is (backend == "tables") and ours["bare CLASS"] is True


@pytest.mark.parametrize("backend", BACKENDS)
def test_string_array_class_in_walks(backend, tmp_path):
    """Row 'get_children/walk_nodes of a string array (Logger)': VLARRAY in PyMoDAQ's walks,
    StringARRAY in daqcore's; ``get_node`` gives a StringARRAY in both."""
    found = {}
    for lib in (PMD, DC):
        h5 = _saver_file(lib, tmp_path / f"{lib.name}.h5", backend)
        walked = {n.path: type(n).__name__ for n in h5.walk_nodes("/")}
        found[lib.name] = (
            walked["/RawData/Logger"],
            type(h5.get_children("/RawData")["Logger"]).__name__,
            type(h5.get_node("/RawData/Logger")).__name__,
        )
        h5.close_file()
    assert found["pymodaq"] == ("VLARRAY", "VLARRAY", "StringARRAY")
    assert found["daqcore"] == ("StringARRAY",) * 3


def test_raw_string_attribute_written_by_pytables_read_with_h5py(tmp_path):
    """Row 'a raw string attribute PyTables wrote (origin=), read through h5py': bytes in
    PyMoDAQ, str in daqcore."""
    path = tmp_path / "t.h5"
    with tables.open_file(str(path), "w") as f:
        f.create_carray("/", "a", obj=np.zeros(2))
        f.get_node("/a")._v_attrs["origin"] = np.bytes_(b"det")
    found = {}
    for lib in (PMD, DC):
        h5 = lib.H5Backend("h5py")
        h5.open_file(path, "r")
        found[lib.name] = h5.get_node("/a").attrs["origin"]
        h5.close_file()
    assert found == {"pymodaq": b"det", "daqcore": "det"}


def test_get_node_without_class_writes_nothing(tmp_path):
    """Row 'get_node of a node without CLASS': PyMoDAQ writes the inferred CLASS."""
    found = {}
    for lib in (PMD, DC):
        path = tmp_path / f"{lib.name}.h5"
        with h5py.File(path, "w") as f:
            f.create_group("g")
        h5 = lib.H5Backend("h5py")
        h5.open_file(path, "a")
        found[lib.name] = [type(h5.get_node("/g")).__name__]
        h5.close_file()
        with h5py.File(path, "r") as f:
            found[lib.name].append("CLASS" in f["g"].attrs)
    assert found == {"pymodaq": ["GROUP", True], "daqcore": ["GROUP", False]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_lists_and_1d_rows_given_to_arrays(backend, tmp_path):
    """Rows 'create_carray(obj=[1, 2]), EARRAY.append([1, 2])' and '1D data of several values
    appended to a 1D EARRAY'."""
    calls = {
        "carray of a list": lambda h5: h5.read(h5.create_carray("/", "c", obj=[1, 2])).tolist(),
        "append a list": lambda h5: (lambda e: (e.append([1.0, 2.0]), h5.read(e).tolist())[1])(
            h5.create_earray("/", "e", np.float64, data_shape=(2,))
        ),
        "1D rows": lambda h5: (lambda e: (e.append(np.array([1.0, 2.0])), h5.read(e).tolist())[1])(
            h5.create_earray("/", "r", np.float64)
        ),
    }
    found: dict[str, dict[str, Any]] = {}
    for lib in (PMD, DC):
        h5 = lib.H5Backend(backend)
        h5.open_file(tmp_path / f"{lib.name}.h5", "w")
        found[lib.name] = {
            name: _outcome(lambda call=call, h5=h5: call(h5)) for name, call in calls.items()
        }
        h5.close_file()
    theirs, ours = found["pymodaq"], found["daqcore"]
    assert _raises("AttributeError")(theirs["carray of a list"])
    assert _raises("TypeError")(theirs["append a list"])
    if backend == "tables":  # h5py appends them as rows in PyMoDAQ too
        assert _raises("ValueError")(theirs["1D rows"])
    else:
        assert theirs["1D rows"] == [1.0, 2.0]
    assert ours == {
        "carray of a list": [1, 2],
        "append a list": [[1.0, 2.0]],
        "1D rows": [1.0, 2.0],
    }


def test_node_class_hierarchy():
    """Row 'StringARRAY, VLARRAY, EARRAY classes': siblings over ArrayNode in daqcore."""
    be = PMD.backends
    assert issubclass(be.StringARRAY, be.VLARRAY) and issubclass(be.EARRAY, be.CARRAY)
    assert issubclass(be.VLARRAY, be.EARRAY)
    for cls in (dcs.CARRAY, dcs.EARRAY, dcs.VLARRAY, dcs.StringARRAY):
        assert issubclass(cls, dcs.ArrayNode)
        assert not any(
            issubclass(cls, other)
            for other in (dcs.CARRAY, dcs.EARRAY, dcs.VLARRAY, dcs.StringARRAY)
            if other is not cls
        )


def test_saver_backend_is_an_object_equal_to_its_name(tmp_path):
    """Row 'H5SaverLowLevel(...).backend'; ``H5Backend.backend`` is the name in both."""
    theirs, ours = PMD.H5SaverLowLevel(backend="h5py"), DC.H5SaverLowLevel(backend="h5py")
    assert theirs.backend == "h5py" and isinstance(theirs.backend, str)
    assert ours.backend == "h5py" and not isinstance(ours.backend, str)
    assert DC.H5Backend("tables").backend == PMD.H5Backend("tables").backend == "tables"


def test_tables_open_file_in_swmr_mode_is_refused_at_open(tmp_path):
    """Row "H5Backend('tables').open_file(..., swmr_mode=True)"."""
    theirs = PMD.H5Backend("tables")
    theirs.open_file(tmp_path / "p.h5", "w", swmr_mode=True)  # opens, without SWMR
    assert theirs.isopen()
    with pytest.raises(RuntimeError):
        theirs.enable_swmr()
    theirs.close_file()
    ours = DC.H5Backend("tables")
    with pytest.raises(saving_errors.SWMRError) as info:
        ours.open_file(tmp_path / "d.h5", "w", swmr_mode=True)
    assert isinstance(info.value, RuntimeError) and not ours.isopen()


@pytest.mark.parametrize("backend", BACKENDS)
def test_compression_value(backend, tmp_path):
    """Row 'H5Backend.compression': a library object in PyMoDAQ, one daqcore value kept
    across set_backend."""
    theirs, ours = PMD.H5Backend(backend), DC.H5Backend(backend)
    theirs.define_compression("gzip", 4)
    ours.define_compression("gzip", 4)
    expected = tables.Filters if backend == "tables" else dict
    assert isinstance(theirs.compression, expected)
    assert isinstance(ours.compression, dcs.Compression)
    ours.set_backend("h5py" if backend == "tables" else "tables")
    assert isinstance(ours.compression, dcs.Compression)
    assert ours.compression == dcs.Compression("gzip", 4) or ours.compression.level == 4


def _one_point_axis_file(lib: Any, path: Path) -> Any:
    h5 = _saver_file(lib, path, "h5py")
    det = h5.add_det_group(h5.raw_group, "det")
    lib.DataToExportSaver(h5).add_data(
        det,
        lib.DataToExport(
            "d",
            data=[
                lib.DataRaw(
                    "x",
                    data=[np.ones((1, 3))],
                    axes=[
                        lib.Axis("one", "s", np.array([5.0]), index=0),
                        lib.Axis("w", "nm", np.arange(3.0), index=1),
                    ],
                )
            ],
        ),
    )
    h5.close_file()
    return lib.DataLoader(path)


def test_loading_the_axis_node_of_a_one_point_axis(tmp_path):
    """Row 'loading the axis node of a 1-point axis': IndexError in PyMoDAQ, Data0D here."""
    found = {}
    for lib in (PMD, DC):
        loader = _one_point_axis_file(lib, tmp_path / f"{lib.name}.h5")
        try:
            axis_nodes = sorted(
                n.path for n in loader.walk_nodes("/RawData") if n.name.startswith("Axis")
            )
            node = next(p for p in axis_nodes if loader.get_node(p).attrs["label"] == "one")
            found[lib.name] = _outcome(lambda loader=loader, node=node: loader.load_data(node))
        finally:
            loader.close_file()
    assert _raises("IndexError")(found["pymodaq"])
    ours = found["daqcore"]
    assert not isinstance(ours, Raised)
    assert (ours.dim.name, ours.labels, ours.data[0].tolist(), ours.axes) == (
        "Data0D",
        ["one"],
        [5.0],
        [],
    )


def test_reopening_a_non_swmr_file_in_swmr_mode(tmp_path):
    """'Refuses' row 'reopening a non-SWMR file in SWMR mode': PyMoDAQ wipes the file."""
    found = {}
    for lib in (PMD, DC):
        path = tmp_path / f"{lib.name}.h5"
        h5 = _saver_file(lib, path, "h5py")
        h5.add_scan_group(h5.raw_group, "kept")
        h5.close_file()
        again = lib.H5SaverLowLevel(save_type="scan", backend="h5py")
        outcome = _outcome(
            lambda again=again, path=path: again.init_file(
                file_name=path, new_file=False, swmr_mode=True
            )
        )
        if again.isopen():
            again.close_file()
        with h5py.File(path, "r") as f:
            found[lib.name] = (outcome, "Scan000" in f["RawData"])
    assert found["pymodaq"][1] is False  # wiped
    assert _raises("SWMRError", RuntimeError)(found["daqcore"][0])
    assert found["daqcore"][1] is True


def test_attributes_are_not_evaluated(tmp_path):
    """'Refuses' row 'attributes read from files': PyMoDAQ ``eval``s the ``data`` of a JSON
    attribute of a trusted type; daqcore parses literals only and refuses the rest."""
    import json

    path = tmp_path / "evil.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("a", data=np.zeros(2))
        f["a"].attrs["CLASS"] = "CARRAY"
        f["a"].attrs["note"] = json.dumps(
            {"module": "builtins", "type": "list", "data": "[len('abc')]"}
        )
        f["a"].attrs["plain"] = json.dumps({"module": "builtins", "type": "list", "data": "[1, 2]"})
    found = {}
    for lib in (PMD, DC):
        h5 = lib.H5Backend("h5py")
        h5.open_file(path, "r")
        found[lib.name] = (
            _outcome(lambda h5=h5: h5.get_node("/a").attrs["note"]),
            _outcome(lambda h5=h5: h5.get_node("/a").attrs["plain"]),
        )
        h5.close_file()
    assert found["pymodaq"] == ([3], [1, 2])  # the call ran
    refused, plain = found["daqcore"]
    assert plain == [1, 2]
    assert isinstance(refused, Raised) and isinstance(refused.error, ValueError)
    assert isinstance(refused.error, DaqcoreError)


# ----------------------------------------------------------- init_file given a str path or None
@pytest.mark.parametrize("backend", BACKENDS)
def test_init_file_with_a_str_path_opens_the_file(backend, tmp_path):
    """Row 'init_file(file_name=str)': PyMoDAQ silently opens nothing (its check is
    ``isinstance(file_name, Path)``) and fails at the next call; daqcore opens the file."""
    found = {}
    for lib in (PMD, DC):
        path = tmp_path / f"{lib.name}.h5"
        h5 = lib.H5SaverLowLevel(save_type="scan", backend=backend)
        result = h5.init_file(file_name=str(path), new_file=True)
        found[lib.name] = (result, h5.isopen(), path.exists())
        if h5.isopen():
            h5.close_file()
    assert found == {"pymodaq": (None, False, False), "daqcore": (True, True, True)}


def test_init_file_without_a_name_is_refused():
    """Row 'init_file(file_name=None)': PyMoDAQ returns None without opening a file."""
    theirs = PMD.H5SaverLowLevel(save_type="scan")
    assert theirs.init_file(None) is None and not theirs.isopen()
    ours = DC.H5SaverLowLevel(save_type="scan")
    with pytest.raises(saving_errors.H5FileError) as info:
        ours.init_file(None)
    assert isinstance(info.value, OSError) and not ours.isopen()


# ----------------------------------------------------------------------- GUI H5Saver rows
@pytest.fixture
def gui_savers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    try:
        from pymodaq_gui.h5modules.saving import H5Saver as PmH5Saver
        from qtpy import QtWidgets
    except Exception as exc:  # pragma: no cover - depends on the environment
        pytest.skip(f"pymodaq_gui's H5Saver cannot be imported: {exc}")
    QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    monkeypatch.chdir(tmp_path)
    return {"pymodaq": PmH5Saver, "daqcore": dcs.H5Saver}


def test_h5saver_rows_backend_shown_fill_value_and_missing_base_path(gui_savers, tmp_path):
    """H5Saver rows: ``backend_type`` after ``H5Saver(backend='tables')``, ``fill_value = 5``,
    a ``base_path`` whose parents are missing, ``init_file``'s return value."""
    found: dict[str, dict[str, Any]] = {}
    for name, cls in gui_savers.items():
        out: dict[str, Any] = {}
        out["backend shown"] = cls(save_type="scan", backend="tables").settings[
            "backend", "backend_type"
        ]
        saver = cls(save_type="scan")

        def set_fill(saver: Any = saver) -> Any:
            saver.fill_value = 5.0
            return saver.settings["data_format", "fill_value"]

        out["fill 5"] = _outcome(set_fill)
        missing = tmp_path / name / "a" / "b"
        saver.settings.child("base_path").setValue(str(missing))
        out["missing parents"] = _outcome(lambda saver=saver: saver.init_file(update_h5=True))
        out["created"] = missing.is_dir()
        if saver.isopen():
            saver.close_file()
        found[name] = out
    theirs, ours = found["pymodaq"], found["daqcore"]
    assert (theirs["backend shown"], ours["backend shown"]) == ("h5py", "tables")
    assert theirs["fill 5"] == 0.0
    assert _raises("SettingValueError", ValueError)(ours["fill 5"])
    assert _raises("FileNotFoundError")(theirs["missing parents"]) and not theirs["created"]
    assert ours["missing parents"] is True and ours["created"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_h5saver_init_file_again_after_close(gui_savers, tmp_path, backend):
    """H5Saver row 'init_file() again after close_file() with a scan named': PyMoDAQ reads
    the closed file and raises; daqcore reopens the last dataset of the day."""
    found = {}
    for name, cls in gui_savers.items():
        saver = cls(save_type="scan", backend=backend)
        saver.settings.child("base_path").setValue(str(tmp_path / name))
        assert saver.init_file(update_h5=True) is True
        first = saver.settings["current_h5_file"]
        saver.add_scan_group()
        saver.close_file()
        found[name] = _outcome(
            lambda saver=saver, first=first: (
                saver.init_file(),
                saver.settings["current_h5_file"] == first,
                saver.settings["current_scan_name"],
            )
        )
        if saver.isopen():
            saver.close_file()
    assert isinstance(found["pymodaq"], Raised)
    # h5py: ValueError ('Not a group id'); PyTables: NodeError (the closed file is read)
    assert type(found["pymodaq"].error).__name__ in ("ValueError", "NodeError")
    assert found["daqcore"] == (False, True, "Scan000")


# ------------------------------------------------------------------ logging of the SWMR pause
def test_leaving_swmr_is_logged_at_info(tmp_path, caplog):
    """Row 'a node created while SWMR writing is on': logged (INFO) with the node's path."""
    h5 = _saver_file(DC, tmp_path / "d.h5", "h5py", swmr_mode=True)
    det = h5.add_det_group(h5.raw_group, "det")
    DC.DataToExportExtendedSaver(h5, extended_shape=(2,)).add_data(
        det, DC.DataToExport("d", data=[DC.DataRaw("x", data=[np.ones(2)])]), indexes=(0,)
    )
    with caplog.at_level(logging.INFO, logger="daqcore.saving"):
        h5.add_det_group(h5.raw_group, "other")
    h5.close_file()
    records = [r for r in caplog.records if "leaving SWMR" in r.getMessage()]
    assert records and records[0].levelno == logging.INFO


# ------------------------------------------------------------- more rows of the "differs" table
def test_save_file_as_with_h5py(tmp_path):
    """Row 'save_file_as(path) with h5py': PyMoDAQ raises ``Warning``; daqcore copies."""
    found = {}
    for lib in (PMD, DC):
        h5 = _saver_file(lib, tmp_path / f"{lib.name}.h5", "h5py")
        copy = tmp_path / f"{lib.name}_copy.h5"
        found[lib.name] = (_outcome(lambda h5=h5, copy=copy: h5.save_file_as(copy)), copy.exists())
        h5.close_file()
    assert _raises("Warning")(found["pymodaq"][0]) and found["pymodaq"][1] is False
    assert found["daqcore"] == (None, True)


def test_callers_axes_are_not_modified_by_a_scan_save(tmp_path):
    """Row "caller's DWA during a scan save": PyMoDAQ shifts its axes' ``index``."""
    found = {}
    for lib in (PMD, DC):
        h5 = _saver_file(lib, tmp_path / f"{lib.name}.h5", "h5py")
        dwa = lib.DataRaw(
            "x", data=[np.arange(3.0)], axes=[lib.Axis("w", data=np.arange(3.0), index=0)]
        )
        lib.DataToExportExtendedSaver(h5, extended_shape=(2,)).add_data(
            h5.add_det_group(h5.raw_group, "det"),
            lib.DataToExport("d", data=[dwa]),
            indexes=(0,),
        )
        h5.close_file()
        found[lib.name] = dwa.axes[0].index
    assert found == {"pymodaq": 1, "daqcore": 0}


def test_a_failed_save_leaves_nothing_half_made(tmp_path):
    """Row 'a save that fails half-way': a dtype h5py cannot store (unicode)."""
    backend = "h5py"
    found = {}
    for lib in (PMD, DC):
        h5 = _saver_file(lib, tmp_path / f"{lib.name}.h5", backend)
        det = h5.add_det_group(h5.raw_group, "det")
        bad = lib.DataToExport("d", data=[lib.DataRaw("u", data=[np.array(["a", "b"])])])
        saver = lib.DataToExportSaver(h5)
        outcome = _outcome(lambda saver=saver, det=det, bad=bad: saver.add_data(det, bad))
        found[lib.name] = (outcome, [n.path for n in h5.walk_nodes("/RawData/Detector000")])
        h5.close_file()
    assert isinstance(found["pymodaq"][0], Raised) and isinstance(found["daqcore"][0], Raised)
    assert isinstance(found["daqcore"][0].error, type(found["pymodaq"][0].error))
    assert "/RawData/Detector000/Data1D/CH00" in found["pymodaq"][1]
    assert found["daqcore"][1] == ["/RawData/Detector000"]


def test_walks_over_hard_links_end(tmp_path):
    """Row 'tree walks over hard links': PyMoDAQ enters a group once per link (forever in a
    loop); daqcore enters each group once."""
    import itertools

    found = {}
    for lib in (PMD, DC):
        path = tmp_path / f"{lib.name}.h5"
        h5 = lib.H5Backend("h5py")
        h5.open_file(path, "w")
        h5.get_set_group(h5.get_set_group("/", "A"), "B")
        h5.close_file()
        with h5py.File(path, "a") as f:
            f["A/B/up"] = f["A"]  # a hard link to an ancestor
        h5 = lib.H5Backend("h5py")
        h5.open_file(path, "r")
        found[lib.name] = [g.path for g in itertools.islice(h5.walk_groups("/"), 6)]
        h5.close_file()
    assert found["pymodaq"][:5] == ["/", "/A", "/A/B", "/A/B/up", "/A/B/up/B"]
    assert found["daqcore"] == ["/", "/A", "/A/B"]


def test_short_log_file_sizes(tmp_path):
    """Row 'file size of short logs': a 10-row timed log, both backends."""
    import os

    def short_log(lib: Any, backend: str) -> int:
        path = tmp_path / f"{lib.name}_{backend}.h5"
        h5 = lib.H5SaverLowLevel(save_type="logger", backend=backend)
        h5.init_file(file_name=path, new_file=True)
        det = h5.add_det_group(h5.raw_group, "det")
        saver = lib.backends_saving.DataToExportTimedSaver(h5)
        for step in range(10):
            dte = lib.DataToExport(
                "d",
                data=[
                    lib.DataRaw("t", data=[np.array([float(step)])]),
                    lib.DataRaw("s", data=[np.arange(4.0)]),
                ],
            )
            dte.timestamp = float(step)
            saver.add_data(det, dte)
        h5.close_file()
        return os.path.getsize(path)

    sizes = {
        (lib.name, backend): short_log(lib, backend) for lib in (PMD, DC) for backend in BACKENDS
    }
    assert sizes["pymodaq", "tables"] > 150_000  # chunks for 1000 expected rows
    assert sizes["daqcore", "tables"] < 100_000 and sizes["daqcore", "h5py"] < 100_000


@pytest.mark.parametrize("backend", BACKENDS)
def test_0d_points_with_a_navigation_axis_append_one_row_each(tmp_path: Path,
                                                              backend: str) -> None:
    """A DataRaw of 0D points along one navigation axis (PyMoDAQ's ND viewer input) given to
    DataEnlargeableSaver: one row per point, twice, as pymodaq_data stores and loads it."""
    from pymodaq_data.h5modules.data_saving import DataEnlargeableSaver as PmdSaver

    from daqcore.saving import DataEnlargeableSaver as DcSaver

    loaded = {}
    for lib, saver_class in ((PMD, PmdSaver), (DC, DcSaver)):
        h5 = lib.H5SaverLowLevel(backend=backend)
        h5.init_file(file_name=tmp_path / f"{lib.name}.h5", new_file=True)
        try:
            axis = lib.Axis("enlaxis", units="s", data=np.linspace(0, 1, 11), index=0)
            dwa = lib.DataRaw("points", data=[np.linspace(0, 100, 11)], nav_indexes=(0,),
                              axes=[axis])
            saver = saver_class(h5)
            saver.add_data(h5.raw_group, dwa)
            saver.add_data(h5.raw_group, dwa)
            back = saver.load_data("/RawData/EnlData00")
            loaded[lib.name] = (back.shape, np.asarray(back.data[0]).tolist(),
                                np.asarray(back.get_nav_axes()[0].get_data()).tolist())
        finally:
            h5.close_file()
    assert loaded["daqcore"] == loaded["pymodaq"]
    assert loaded["daqcore"][0] == (22,)
