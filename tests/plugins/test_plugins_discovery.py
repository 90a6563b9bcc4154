"""Entry-point discovery with fake installed distributions, one per failure kind.

Each test writes ``<name>-<version>.dist-info`` directories (METADATA + entry_points.txt)
and plugin modules into a temporary directory, puts it on ``sys.path`` and loads a registry
restricted to that directory.
"""

from __future__ import annotations

import importlib.metadata as metadata
import textwrap
import uuid
from pathlib import Path

import pytest

from daqcore.errors import DaqcoreError
from daqcore.plugins import PluginLoadError, load_registry
from daqcore.plugins.manager import DISABLE_ENV, STRICT_ENV

GOOD = """
from daqcore.plugins import hookimpl, InstrumentRecord
from daqcore_plugins.mock.detectors import Mock0D

@hookimpl
def daqcore_register_instruments(register):
    register(InstrumentRecord("{prefix}good_det", Mock0D, description="fine"))
"""


class FakeSite:
    """A directory of fake distributions with module names unique to one test."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.prefix = f"fk{uuid.uuid4().hex[:8]}_"
        monkeypatch.syspath_prepend(str(root))

    def add(self, dist: str, version: str, plugins: dict[str, str]) -> None:
        """Add distribution ``dist`` with entry point name -> module source."""
        info = self.root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n"
        )
        lines = ["[daqcore]"]
        for ep_name, source in plugins.items():
            module = f"{self.prefix}{ep_name}"
            (self.root / f"{module}.py").write_text(
                textwrap.dedent(source).replace("{prefix}", self.prefix)
            )
            lines.append(f"{ep_name} = {module}")
        (info / "entry_points.txt").write_text("\n".join(lines) + "\n")

    def load(self, **kwargs):
        return load_registry(path=[str(self.root)], **kwargs)


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    return FakeSite(tmp_path, monkeypatch)


def _only_failure(registry):
    assert len(registry.failures) == 1, registry.failures
    return registry.failures[0]


def test_good_plugin_is_found_with_distribution_metadata(site):
    site.add("daqcore-good", "1.2.3", {"good": GOOD})
    registry = site.load()
    assert registry.failures == []
    (info,) = registry.plugins
    assert (info.name, info.distribution, info.version) == ("good", "daqcore-good", "1.2.3")
    assert info.hooks == ("daqcore_register_instruments",)
    record = registry.instruments[f"{site.prefix}good_det"]
    assert record.plugin == "good" and record.kind == "detector"


def test_import_failure_is_recorded_and_others_load(site):
    site.add("daqcore-good", "1.0", {"good": GOOD})
    site.add("daqcore-broken", "0.4", {"broken": "import numpy\nraise RuntimeError('no dll')\n"})
    registry = site.load()
    failure = _only_failure(registry)
    assert (failure.plugin, failure.distribution, failure.version, failure.stage) == \
        ("broken", "daqcore-broken", "0.4", "import")
    assert failure.error == "RuntimeError: no dll"
    assert "no dll" in failure.traceback
    assert [p.name for p in registry.plugins] == ["good"]
    assert f"{site.prefix}good_det" in registry.instruments


def test_missing_module_is_an_import_failure(site):
    site.add("daqcore-ghost", "1.0", {})
    info = next(site.root.glob("daqcore_ghost*.dist-info"))
    (info / "entry_points.txt").write_text("[daqcore]\nghost = no_such_module_for_daqcore\n")
    failure = _only_failure(site.load())
    assert failure.stage == "import" and failure.error.startswith("ModuleNotFoundError")


@pytest.mark.parametrize("decorated", [True, False])
def test_misspelt_hook_fails_validation(site, decorated):
    marker = "@hookimpl\n" if decorated else ""
    source = (
        "from daqcore.plugins import hookimpl\n"
        f"{marker}def daqcore_register_instrument(register):\n"  # missing final 's'
        "    pass\n"
    )
    site.add("daqcore-typo", "2.0", {"typo": source})
    site.add("daqcore-good", "1.0", {"good": GOOD})
    registry = site.load()
    failure = _only_failure(registry)
    assert (failure.plugin, failure.distribution, failure.stage) == \
        ("typo", "daqcore-typo", "validate")
    assert "daqcore_register_instrument" in failure.error
    assert [p.name for p in registry.plugins] == ["good"]


def test_undecorated_hook_is_still_called(site):
    site.add("daqcore-plain", "1.0", {"plain": GOOD.replace("@hookimpl", "")})
    registry = site.load()
    assert registry.failures == []
    assert f"{site.prefix}good_det" in registry.instruments


def test_wrong_hook_signature_fails_validation(site):
    source = (
        "from daqcore.plugins import hookimpl\n"
        "@hookimpl\n"
        "def daqcore_register_instruments(register, registry):\n"
        "    pass\n"
    )
    site.add("daqcore-sig", "1.0", {"sig": source})
    failure = _only_failure(site.load())
    assert failure.stage == "validate" and "registry" in failure.error


def test_hook_raising_is_isolated(site):
    source = GOOD + (
        "\n@hookimpl\ndef daqcore_register_readers(register):\n"
        "    raise ValueError('reader config missing')\n"
    )
    site.add("daqcore-raiser", "3.1", {"raiser": source})
    registry = site.load()
    failure = _only_failure(registry)
    assert (failure.plugin, failure.version, failure.stage) == ("raiser", "3.1", "hook")
    assert failure.error == "ValueError: reader config missing"
    # the plugin's other hook still delivered its records
    assert f"{site.prefix}good_det" in registry.instruments


def test_records_of_a_failing_hook_call_are_dropped(site):
    source = (
        "from daqcore.plugins import hookimpl, InstrumentRecord\n"
        "from daqcore_plugins.mock.detectors import Mock0D\n"
        "@hookimpl\n"
        "def daqcore_register_instruments(register):\n"
        "    register(InstrumentRecord('half_registered', Mock0D))\n"
        "    register('not a record')\n"
    )
    site.add("daqcore-half", "1.0", {"half": source})
    registry = site.load()
    failure = _only_failure(registry)
    assert failure.stage == "hook" and "PluginRecordError" in failure.error
    assert "half_registered" not in registry.instruments


def test_duplicate_name_is_a_failure_naming_both_plugins(site):
    site.add("daqcore-first", "1.0", {"alpha": GOOD})
    site.add("daqcore-second", "2.0", {"beta": GOOD})
    registry = site.load()
    failure = _only_failure(registry)
    assert (failure.plugin, failure.distribution, failure.stage) == \
        ("beta", "daqcore-second", "duplicate")
    assert "'alpha'" in failure.error and "'beta'" in failure.error
    assert registry.instruments[f"{site.prefix}good_det"].plugin == "alpha"
    assert {p.name for p in registry.plugins} == {"alpha", "beta"}


def test_strict_mode_raises_a_daqcore_error(site, monkeypatch):
    site.add("daqcore-broken", "0.4", {"broken": "raise RuntimeError('no dll')\n"})
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(PluginLoadError, match=r"'broken' \(daqcore-broken 0.4\).*no dll") as info:
        site.load()
    assert isinstance(info.value, DaqcoreError)
    assert isinstance(info.value.__cause__, RuntimeError)


def test_strict_mode_covers_duplicates(site):
    site.add("daqcore-first", "1.0", {"alpha": GOOD})
    site.add("daqcore-second", "2.0", {"beta": GOOD})
    with pytest.raises(PluginLoadError, match="duplicate"):
        site.load(strict=True)


def test_disabled_plugins_are_skipped(site, monkeypatch):
    site.add("daqcore-broken", "0.4", {"broken": "raise RuntimeError('no dll')\n"})
    site.add("daqcore-good", "1.0", {"good": GOOD})
    monkeypatch.setenv(DISABLE_ENV, "broken")
    registry = site.load()
    assert registry.failures == [] and registry.manager.skipped == ["broken"]
    assert registry.report()["skipped"] == ["broken"]


def test_first_party_plugins_come_from_our_own_entry_points():
    eps = {ep.name: ep for ep in metadata.entry_points(group="daqcore")}
    assert eps["mock"].value == "daqcore_plugins.mock.plugin"
    assert eps["mock"].dist.name == "daqcore"
    registry = load_registry(strict=True)  # our own plugins never fail
    mock = next(p for p in registry.plugins if p.name == "mock")
    assert mock.distribution == "daqcore"
    assert {"mock_x", "mock_y", "mock_0d", "mock_1d", "mock_2d"} <= set(registry.instruments)


def test_plugins_directory_loads_loose_files(tmp_path, monkeypatch):
    from daqcore.plugins.manager import PLUGINS_DIR_ENV

    folder = tmp_path / "lab_plugins"
    folder.mkdir()
    (folder / "bench_det.py").write_text(textwrap.dedent(GOOD.replace("{prefix}", "dir_")))
    (folder / "half_done.py").write_text("import this_module_does_not_exist_qq\n")
    (folder / "_helpers.py").write_text("raise RuntimeError('never imported')\n")
    monkeypatch.delenv(STRICT_ENV, raising=False)
    monkeypatch.setenv(PLUGINS_DIR_ENV, str(folder))
    empty = tmp_path / "no_dists"
    empty.mkdir()
    registry = load_registry(path=[str(empty)])
    (info,) = registry.plugins
    assert (info.name, info.distribution, info.version) == \
        ("bench_det", "(plugins dir)", str(folder))
    assert registry.instruments["dir_good_det"].plugin == "bench_det"
    failure = _only_failure(registry)
    assert (failure.plugin, failure.stage) == ("half_done", "import")
    assert "this_module_does_not_exist_qq" in failure.error


def test_missing_plugins_directory_is_a_failure(tmp_path, monkeypatch):
    monkeypatch.delenv(STRICT_ENV, raising=False)
    registry = load_registry(entry_points=False, plugin_dirs=[str(tmp_path / "nope")])
    failure = _only_failure(registry)
    assert failure.stage == "import" and "does not exist" in failure.error
