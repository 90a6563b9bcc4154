"""``daqcore plugins``, ``daqcore plugins check`` and plugin-contributed subcommands."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import numpy as np
import pytest
from click.testing import CliRunner

from daqcore.cli.main import main
from daqcore.data import DataDim, DataFromPlugins, DataToExport
from daqcore.instruments import SIM, Backend, Detector
from daqcore.plugins import CommandRecord, InstrumentRecord, hookimpl, set_registry
from daqcore_plugins.mock import plugin as mock_plugin


class SloppyDetector(Detector):
    """Declares 0D but returns 1D data: the conformance suite must say so."""

    dims = (DataDim.Data0D,)
    backends = (SIM, Backend("real", requires=("no_such_vendor_sdk_abc",)))

    def _grab_data(self, naverage):
        return DataToExport("s", data=[DataFromPlugins("s", data=[np.arange(4.0)])])


@click.command("hello")
@click.option("--who", default="lab")
def hello(who):
    """Say hello (a plugin command)."""
    click.echo(f"hello {who}")


class CliPlugin:
    @hookimpl
    def daqcore_register_instruments(self, register):
        register(InstrumentRecord("sloppy", SloppyDetector, description="bad dims"))

    @hookimpl
    def daqcore_register_commands(self, register):
        register(CommandRecord("hello", hello))
        register(CommandRecord("broken-cmd", "no_such_module_qwe:cmd"))
        register(CommandRecord("not-click", "daqcore_plugins.mock.plugin:MockActuator"))
        register(CommandRecord("plugins", hello))  # shadowed by the built-in


class Exploding:
    @hookimpl
    def daqcore_register_instruments(self, register):
        raise RuntimeError("vendor config missing")


class NoHooks:
    def register_instruments(self, register):  # not a daqcore_* name: never called
        raise AssertionError


@pytest.fixture
def registry(make_registry):
    reg = make_registry(plugins=[("mock", mock_plugin), ("cliplugin", CliPlugin()),
                                 ("exploding", Exploding()), ("nohooks", NoHooks())])
    previous = set_registry(reg)
    yield reg
    set_registry(previous)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_plugins_lists_instruments_and_failures(registry):
    result = run("plugins")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Plugins (4 loaded, 1 with failures)"
    assert "  warning: plugin 'nohooks' implements no daqcore hook (hook functions must be " \
        "named daqcore_register_...)" in lines
    mock_2d = next(line for line in lines if " mock_2d " in line)
    assert mock_2d.split()[:4] == ["detector", "mock_2d", "2D", "sim:"]
    sloppy = next(line for line in lines if " sloppy " in line)
    assert "real: driver not installed: no_such_vendor_sdk_abc" in sloppy
    assert any(line.split()[:3] == ["actuator", "mock_x", "-"] for line in lines)
    assert "  exploding at hook: RuntimeError: vendor config missing" in lines
    assert "  warning: plugin command 'plugins' is hidden by the built-in command" in lines


def test_plugins_json(registry):
    report = json.loads(run("plugins", "--json").output)
    names = {i["name"]: i for i in report["instruments"]}
    assert names["mock_1d"]["dims"] == ["Data1D"]
    assert names["mock_x"]["kind"] == "actuator"
    assert names["sloppy"]["backends"][1] == {
        "name": "real", "simulated": False, "available": False,
        "reason": "driver not installed: no_such_vendor_sdk_abc"}
    assert report["shadowed_commands"] == ["plugins"]
    (failure,) = report["failures"]
    assert failure["plugin"] == "exploding" and failure["stage"] == "hook"
    assert "vendor config missing" in failure["traceback"]


def test_plugins_traceback_option(registry):
    assert "Traceback (most recent call last)" in run("plugins", "--traceback").output


def test_check_passes_on_mock(registry):
    result = run("plugins", "check", "mock_2d")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("PASS mock_2d (detector, backend sim)")


def test_check_whole_plugin_json(registry):
    result = run("plugins", "check", "mock", "--json")
    assert result.exit_code == 0
    reports = json.loads(result.output)
    assert sorted(r["instrument"] for r in reports) == \
        ["mock_0d", "mock_1d", "mock_2d", "mock_x", "mock_y"]
    assert all(r["passed"] for r in reports)


def test_check_reports_contract_violations(registry):
    result = run("plugins", "check", "sloppy")
    assert result.exit_code == 1
    assert "FAIL sloppy" in result.output
    assert "FAIL grab_data" in result.output and "Data1D" in result.output


def test_check_unavailable_backend_is_skipped_with_the_reason(registry):
    result = run("plugins", "check", "sloppy", "--backend", "real")
    assert result.exit_code == 0, result.output
    assert result.output == ("SKIP sloppy (detector, backend real): driver not installed: "
                             "no_such_vendor_sdk_abc\n")
    reports = json.loads(run("plugins", "check", "sloppy", "--backend", "real", "--json").output)
    assert reports[0]["skipped"] == "driver not installed: no_such_vendor_sdk_abc"
    assert reports[0]["results"] == [] and reports[0]["passed"] is None


def test_check_unknown_name(registry):
    result = CliRunner().invoke(main, ["plugins", "check", "nope"])
    assert result.exit_code != 0
    assert "unknown instrument 'nope'" in result.output and "mock_2d" in result.output


def test_plugin_commands_are_added_lazily(registry):
    assert run("hello", "--who", "you").output == "hello you\n"
    listing = run("--help").output
    assert "hello" in listing and "broken-cmd" in listing
    assert run("plugins", "--json").exit_code == 0  # the built-in wins over the plugin's


@pytest.mark.parametrize("name", ["broken-cmd", "not-click"])
def test_broken_plugin_command_does_not_break_the_cli(registry, name):
    result = CliRunner().invoke(main, [name])
    assert result.exit_code == 2
    assert f"warning: command {name!r} of plugin 'cliplugin'" in result.output
    assert run("plugins", "--json").exit_code == 0


def test_cli_lists_plugins_in_a_subprocess():
    out = subprocess.run([sys.executable, "-m", "daqcore", "plugins", "--json"],
                         capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    assert {"mock_0d", "mock_x"} <= {i["name"] for i in report["instruments"]}


def test_strict_mode_failure_is_a_clean_cli_error(tmp_path, monkeypatch):
    info = tmp_path / "daqcore_broken_cli-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: daqcore-broken-cli\n"
                                   "Version: 0.1\n")
    (info / "entry_points.txt").write_text("[daqcore]\nbroken_cli = no_such_module_cli_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("DAQCORE_STRICT_PLUGINS", "1")
    previous = set_registry(None)
    try:
        result = CliRunner().invoke(main, ["plugins"])
        assert result.exit_code == 1
        assert result.output.startswith("Error: plugin 'broken_cli' (daqcore-broken-cli 0.1) "
                                        "failed at import: ModuleNotFoundError")
        assert "Traceback" not in result.output
        help_text = CliRunner().invoke(main, ["--help"])
        assert help_text.exit_code == 0 and "plugins" in help_text.output
        assert "warning: could not load plugin commands" in help_text.output
    finally:
        set_registry(previous)
