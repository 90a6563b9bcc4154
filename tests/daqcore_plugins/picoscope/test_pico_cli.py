"""``daqcore picostream``: bad options fail before anything starts; runs write verified files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from daqcore.cli import main
from daqcore_plugins.picoscope import PicoStreamReader


@pytest.mark.parametrize(("args", "message"), [
    (["--channels", "A,E"], "unknown channel 'E'"),
    (["-s", "125", "-b", "12"], "exceeds the streaming limit of 62.5 MS/s total at 12-bit"),
    (["-s", "62.5", "-b", "8", "--channels", "A,B,C"], "at most 41.6667 MS/s per channel"),
    (["--range", "3V"], "voltage range '3V' is not offered"),
    (["-b", "10"], "resolution 10 bit is not offered"),
    (["--max-buff-sec", "0"], "must be positive"),
])
def test_bad_options_fail_before_starting(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "never.hdf5"
    result = CliRunner().invoke(main, ["picostream", "--sim", "-o", str(out), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_real_device_missing_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["picostream", "-o", str(tmp_path / "x.h5")])
    assert result.exit_code == 2 and "driver not installed" in result.output
    assert "--sim" in result.output


def test_output_that_cannot_be_written(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["picostream", "--sim", "-s", "1", "-o",
                                       str(blocker / "x.hdf5"), "--duration", "0.2", "--quiet"])
    assert result.exit_code == 1 and "cannot create" in result.output, result.output
    assert isinstance(result.exception, SystemExit)  # a message, not a traceback


def test_an_existing_recording_is_kept_unless_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "run.hdf5"
    out.write_bytes(b"an earlier recording")
    args = ["picostream", "--sim", "-s", "1", "-o", str(out), "--duration", "0.2", "--quiet"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "exists" in refused.output
    assert "--overwrite" in refused.output, refused.output
    assert out.read_bytes() == b"an earlier recording"
    replaced = CliRunner().invoke(main, [*args, "--overwrite"])
    assert replaced.exit_code == 0 and "verified" in replaced.output, replaced.output
    with PicoStreamReader(out) as reader:
        assert reader.num_samples > 100_000


def test_short_ring_run_in_process(tmp_path: Path) -> None:
    out = tmp_path / "ring.hdf5"
    result = CliRunner().invoke(main, ["picostream", "--sim", "-s", "2", "-b", "16", "-o",
                                       str(out), "--duration", "0.5", "--max-buff-sec", "0.1",
                                       "--range", "5V", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "status: finished" in result.output and "lost 0 " in result.output
    assert "verified" in result.output
    with PicoStreamReader(out) as reader:
        assert reader.attrs["stream_mode"] == "ring" and reader.voltage_range_v == 5.0
        assert reader.num_samples > 200_000 and reader.first_sample > 0


@pytest.mark.slow
def test_125_msps_with_a_live_reader_no_loss(tmp_path: Path) -> None:
    """The 5000a's 8-bit maximum, streamed by the CLI in a subprocess while this process reads
    the growing file."""
    out = tmp_path / "fast.hdf5"
    proc = subprocess.Popen(
        [sys.executable, "-m", "daqcore", "picostream", "--sim", "-s", "125", "-b", "8",
         "-o", str(out), "--duration", "3", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reads = []
    try:
        deadline = time.monotonic() + 20
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        with PicoStreamReader(out) as reader:
            while proc.poll() is None and time.monotonic() < deadline:
                n = reader.refresh()
                if n > 1_000_000:
                    _, mv = reader.get_block(1_000_000, start=n - 1_000_000,
                                             decimation_factor=1000, decimation_mode="min_max")
                    reads.append((n, mv.size))
                time.sleep(0.05)
    finally:
        stdout, stderr = proc.communicate(timeout=60)
    assert "verified" in stdout, stdout + stderr  # the file is right whatever happened
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if proc.returncode != 0 and "lost 0 " not in stdout and load > 2.5:
        pytest.skip(f"machine overloaded (load {load:.1f} per core): {stdout}")
    assert proc.returncode == 0, stdout + stderr
    assert "lost 0 " in stdout, stdout
    assert len(reads) >= 3 and reads[-1][0] > reads[0][0]
    with PicoStreamReader(out) as reader:
        assert reader.num_samples > 2.5 * 125e6 and reader.attrs["n_lost"] == 0
