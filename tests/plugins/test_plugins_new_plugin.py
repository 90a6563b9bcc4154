"""``daqcore new-plugin``: rendering (fast) and install + discovery in a subprocess (slow)."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from daqcore.cli.main import main
from daqcore.cli.new_plugin import PluginTemplateError, render_plugin, template_values
from daqcore.testing.conformance import run_checks

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "third_party_plugin"


def test_template_values():
    values = template_values("My-Cam")
    assert values == {"name": "my_cam", "package": "daqcore_plugin_my_cam",
                      "dist": "daqcore-plugin-my-cam", "classname": "MyCam",
                      "daqcore_version": values["daqcore_version"]}
    for bad in ("1cam", "my cam", "class", "", "cam!"):
        with pytest.raises(PluginTemplateError):
            template_values(bad)


def test_rendered_package_layout_and_entry_point(tmp_path):
    project = render_plugin("spectro", tmp_path)
    files = sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file())
    assert files == [
        "README.md", "pyproject.toml",
        "src/daqcore_plugin_spectro/__init__.py",
        "src/daqcore_plugin_spectro/actuator.py",
        "src/daqcore_plugin_spectro/detector.py",
        "src/daqcore_plugin_spectro/plugin.py",
        "tests/test_daqcore_plugin_spectro_conformance.py",
    ]
    meta = tomllib.loads((project / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "daqcore-plugin-spectro"
    assert meta["project"]["entry-points"]["daqcore"] == {
        "spectro": "daqcore_plugin_spectro.plugin"}
    assert "${" not in "".join(p.read_text() for p in project.rglob("*") if p.is_file())
    with pytest.raises(PluginTemplateError, match="already exists"):
        render_plugin("spectro", tmp_path)
    render_plugin("spectro", tmp_path, force=True)


def test_rendered_instruments_conform_in_process(tmp_path, monkeypatch, make_registry):
    project = render_plugin("lockin", tmp_path)
    monkeypatch.syspath_prepend(str(project / "src"))
    plugin = importlib.import_module("daqcore_plugin_lockin.plugin")
    registry = make_registry(plugins=[("lockin", plugin)])
    assert registry.failures == []
    assert sorted(registry.instruments) == ["lockin_actuator", "lockin_detector"]
    for name, record in registry.instruments.items():
        report = run_checks(lambda n=name: registry.create_instrument(n), kind=record.kind)
        assert report.passed, [r for r in report.results if not r.passed]
    real = registry.report()["instruments"][1]["backends"][1]
    assert real == {"name": "real", "simulated": False, "available": False,
                    "reason": "driver not installed: daqcore_plugin_lockin_vendor_sdk"}
    for module in [m for m in sys.modules if m.startswith("daqcore_plugin_lockin")]:
        monkeypatch.delitem(sys.modules, module)


def test_new_plugin_command(tmp_path):
    result = CliRunner().invoke(main, ["new-plugin", "scope", "-d", str(tmp_path)])
    assert result.exit_code == 0
    assert "instruments: scope_detector, scope_actuator" in result.output
    again = CliRunner().invoke(main, ["new-plugin", "scope", "-d", str(tmp_path)])
    assert again.exit_code == 1 and "already exists" in again.output


# ---------------------------------------------------------------------- slow: real installs
def _install(project: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation",
         "--no-index", "--quiet", "--target", str(target), str(project)],
        check=True, capture_output=True, text=True,
    )


def _env(target: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(target), env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    env.pop("DAQCORE_DISABLE_PLUGINS", None)
    env["DAQCORE_STRICT_PLUGINS"] = "1"  # any failure of the new plugin would be an error
    return env


def _daqcore(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "daqcore", *args], env=env,
                          capture_output=True, text=True)


@pytest.mark.slow
def test_generated_plugin_installs_and_is_discovered(tmp_path):
    target = tmp_path / "site"
    created = _daqcore(dict(os.environ), "new-plugin", "demo_cam", "-d", str(tmp_path))
    assert created.returncode == 0, created.stderr
    project = tmp_path / "daqcore-plugin-demo-cam"
    _install(project, target)
    env = _env(target)

    listing = _daqcore(env, "plugins", "--json")
    assert listing.returncode == 0, listing.stderr
    report = json.loads(listing.stdout)
    plugin = next(p for p in report["plugins"] if p["name"] == "demo_cam")
    assert (plugin["distribution"], plugin["version"]) == ("daqcore-plugin-demo-cam", "0.1.0")
    assert plugin["instruments"] == ["demo_cam_actuator", "demo_cam_detector"]
    assert report["failures"] == []

    check = _daqcore(env, "plugins", "check", "demo_cam")
    assert check.returncode == 0, check.stdout
    assert "PASS demo_cam_detector" in check.stdout and "PASS demo_cam_actuator" in check.stdout

    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           cwd=project, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout


@pytest.mark.slow
def test_example_third_party_plugin_installs_and_works(tmp_path):
    project = tmp_path / "third_party_plugin"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("build", "*.egg-info",
                                                                     "__pycache__"))
    target = tmp_path / "site"
    _install(project, target)
    env = _env(target)

    report = json.loads(_daqcore(env, "plugins", "--json").stdout)
    plugin = next(p for p in report["plugins"] if p["name"] == "thermo")
    assert plugin["distribution"] == "daqcore-example-thermo"
    assert plugin["instruments"] == ["thermo_heater", "thermo_sensor"]
    assert "thermo-read" in report["commands"]
    assert report["readers"]["thermo_csv"] == [".tcsv"]

    reading = _daqcore(env, "thermo-read")
    assert reading.returncode == 0 and reading.stdout.strip().endswith("degC")
    assert _daqcore(env, "plugins", "check", "thermo").returncode == 0

    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           cwd=project, env=env, capture_output=True, text=True)
    assert tests.returncode == 0, tests.stdout + tests.stderr
