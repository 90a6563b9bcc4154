"""Registry look-ups, instrument creation, records, and one test per hook (datasette style)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import click
import pytest

from daqcore.plugins import (
    CommandRecord,
    InstrumentRecord,
    PanelRecord,
    PluginRecordError,
    ReaderRecord,
    UnknownInstrumentError,
    hookimpl,
)
from daqcore.plugins import hookspecs as hookspecs_module
from daqcore.saving.backends.records import H5BackendRecord
from daqcore_plugins.mock import Mock0D, MockActuator, SimulatedStage


class SamplePlugin:
    """A plugin object implementing every hook once."""

    @hookimpl
    def daqcore_register_instruments(self, register):
        register(InstrumentRecord("Sample_Det", Mock0D, description="d"))
        register(InstrumentRecord("sample_act", MockActuator, defaults={"axis": "q"}))
        register(InstrumentRecord("lazy_det", "daqcore_plugins.mock.detectors:Mock2D",
                                  kind="detector"))

    @hookimpl
    def daqcore_register_commands(self, register):
        register(CommandRecord("sample-cmd", click.Command("sample-cmd")))

    @hookimpl
    def daqcore_register_panels(self, register):
        register(PanelRecord("sample_panel", "not_imported_gui_module:make_panel"))

    @hookimpl
    def daqcore_register_readers(self, register):
        register(ReaderRecord("sample_reader", ("CSVX", ".abc"), factory=lambda path: path))

    @hookimpl
    def daqcore_register_h5_backends(self, register):
        register(H5BackendRecord("sample_backend",
                                 "daqcore.saving.backends.h5py_backend:H5pyBackend"))


@pytest.fixture
def registry(make_registry):
    return make_registry(plugins=[("sample", SamplePlugin())])


HOOK_NAMES = sorted(n for n in dir(hookspecs_module) if n.startswith("daqcore_register_"))


def test_hook_list_is_the_documented_contract():
    assert HOOK_NAMES == sorted(hookspecs_module.HOOK_RECORD_TYPES)
    assert HOOK_NAMES == ["daqcore_register_commands", "daqcore_register_h5_backends",
                          "daqcore_register_instruments", "daqcore_register_panels",
                          "daqcore_register_readers"]


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_every_hook_is_documented_for_authors(hook_name):
    guide = (Path(__file__).resolve().parents[2] / "docs" / "plugins.md").read_text()
    assert f"`{hook_name}(register)`" in guide
    assert getattr(hookspecs_module, hook_name).__doc__.strip()


@pytest.mark.parametrize("hook_name", HOOK_NAMES)
def test_every_hook_collects_its_records(registry, hook_name):
    table = {
        "daqcore_register_instruments": registry.instruments,
        "daqcore_register_commands": registry.commands,
        "daqcore_register_panels": registry.panels,
        "daqcore_register_readers": registry.readers,
        "daqcore_register_h5_backends": {n: r for n, r in registry.h5_backends.items()
                                         if r.plugin == "sample"},
    }[hook_name]
    assert table, f"{hook_name} collected nothing"
    assert all(r.plugin == "sample" for r in table.values())
    assert all(isinstance(r, hookspecs_module.HOOK_RECORD_TYPES[hook_name])
               for r in table.values())


def test_names_are_normalised_and_lookup_is_case_insensitive(registry):
    assert "sample_det" in registry.instruments
    assert registry.get_instrument("SAMPLE_DET").name == "sample_det"


def test_unknown_instrument_lists_known_names(registry):
    with pytest.raises(UnknownInstrumentError) as info:
        registry.create_detector("nope")
    assert str(info.value) == "unknown detector 'nope'; known detectors: lazy_det, sample_det"
    with pytest.raises(UnknownInstrumentError, match="'sample_act' is an actuator"):
        registry.create_detector("sample_act")
    with pytest.raises(LookupError):
        registry.get_instrument("nope")


def test_create_applies_defaults_then_settings(registry):
    stage = SimulatedStage()
    act = registry.create_actuator("sample_act", stage=stage, speed=0.0)
    assert act.settings["axis"] == "q" and act.title == "sample_act"
    other = registry.create_actuator("sample_act", axis="z", stage=stage)
    assert other.settings["axis"] == "z"
    with act:
        act.move_abs(1.5)
    assert stage.position("q") == 1.5
    det = registry.create_detector("sample_det", backend="sim", noise=0.0)
    assert det.settings["noise"] == 0.0 and det.backend == "sim"
    assert registry.create_detector("sample_det", title="left").title == "left"


def test_import_string_factory_is_resolved_lazily(registry):
    sys.modules.pop("not_imported_gui_module", None)
    det = registry.create_detector("lazy_det")
    assert type(det).__name__ == "Mock2D"
    assert "not_imported_gui_module" not in sys.modules
    assert registry.panels["sample_panel"].title == "sample_panel"


def test_reader_lookup_by_suffix(registry):
    assert registry.reader_for("/data/run.CSVX").name == "sample_reader"
    assert registry.readers["sample_reader"].extensions == (".csvx", ".abc")
    with pytest.raises(UnknownInstrumentError, match=r"known suffixes: \.abc, \.csvx"):
        registry.reader_for("x.h5")


def test_report_describes_instruments(registry):
    report = registry.report()
    det = next(i for i in report["instruments"] if i["name"] == "sample_det")
    assert det["dims"] == ["Data0D"] and det["kind"] == "detector"
    assert det["backends"] == [{"name": "sim", "simulated": True, "available": True,
                                "reason": "simulated"}]
    assert report["plugins"][0]["instruments"] == ["lazy_det", "sample_act", "sample_det"]
    assert report["commands"] == ["sample-cmd"]
    assert report["readers"] == {"sample_reader": [".csvx", ".abc"]}
    no_probe = registry.report(probe=False)
    assert "available" not in no_probe["instruments"][0]["backends"][0]


def test_broken_import_string_shows_in_report(make_registry):
    plugin = types.SimpleNamespace(daqcore_register_instruments=lambda register: register(
        InstrumentRecord("ghost", "no_such_module_xyz:Ghost", kind="detector")))
    registry = make_registry(plugins=[("ghost", plugin)])
    described = registry.report()["instruments"][0]
    assert described["error"].startswith("ModuleNotFoundError")


def test_reserved_command_names_are_refused(make_registry):
    registry = make_registry(plugins=[("sample", SamplePlugin())],
                             reserved_commands={"sample-cmd"})
    assert registry.commands == {}
    assert registry.failures[0].stage == "duplicate"


def test_same_plugin_name_twice_is_a_failure(make_registry):
    registry = make_registry(plugins=[("sample", SamplePlugin()), ("sample", SamplePlugin())])
    assert [f.stage for f in registry.failures] == ["register"]


@pytest.mark.parametrize(
    "build",
    [
        lambda: InstrumentRecord("bad name", Mock0D),
        lambda: InstrumentRecord("", Mock0D),
        lambda: InstrumentRecord(3, Mock0D),
        lambda: InstrumentRecord("x", "a.module:Thing"),  # kind unknown for a string
        lambda: InstrumentRecord("x", object),  # a class without kind
        lambda: InstrumentRecord("x", Mock0D, kind="camera"),
        lambda: ReaderRecord("r", (), factory=print),
        lambda: ReaderRecord("r", (".x",)),
        lambda: CommandRecord("c"),
        lambda: PanelRecord("p"),
    ],
)
def test_invalid_records(build):
    with pytest.raises(PluginRecordError):
        build()


def test_record_kind_mismatch_on_load():
    record = InstrumentRecord("x", "daqcore_plugins.mock.detectors:Mock0D", kind="actuator")
    with pytest.raises(PluginRecordError, match=r"not of kind 'actuator' \(its kind is 'detector'"):
        record.load()
    with pytest.raises(PluginRecordError, match=r"package\.module:name"):
        InstrumentRecord("y", "nocolon", kind="detector").load()


def test_records_are_frozen():
    record = InstrumentRecord("x", Mock0D, defaults={"noise": 0.0})
    with pytest.raises(AttributeError):
        record.name = "y"
    with pytest.raises(TypeError):
        record.defaults["noise"] = 1.0
