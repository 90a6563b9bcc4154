"""Option types and checks shared by ``daqcore scan`` and ``daqcore log``.

* :class:`PositiveNumber`: a finite number ``> 0`` (or ``>= 0``), such as a duration
  (``-t inf`` is refused with what to do instead);
* :func:`parse_settings` / :func:`merge_settings`: ``--set INSTR.SETTING=VALUE`` and the
  ``[instruments.NAME]`` tables, remembering where each came from for error messages;
* :func:`check_output`: ``-o`` is a directory or an HDF5 file name; ``-o notes.txt`` is
  refused instead of becoming a directory.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

#: Suffixes of an output *file* (anything else names a directory).
H5_SUFFIXES = (".h5", ".hdf5", ".he5")


class PositiveNumber(click.ParamType):
    """A finite number ``> 0`` (or ``>= 0`` with ``allow_zero``) of ``unit``."""

    name = "number"

    def __init__(self, *, allow_zero: bool = False, unit: str = "seconds",
                 hint: str = "") -> None:
        self.allow_zero = allow_zero
        self.unit = unit
        self.hint = hint

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"{value!r} is not a number", param, ctx)
        bound = ">= 0" if self.allow_zero else "> 0"
        ok = math.isfinite(number) and (number >= 0 if self.allow_zero else number > 0)
        if not ok:
            hint = f"; {self.hint}" if self.hint else ""
            self.fail(f"{value!r} is not a finite number of {self.unit} {bound}{hint}", param,
                      ctx)
        return number


def parse_settings(items: tuple[str, ...]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``('mock_x.speed=0', ...)`` -> ``({'mock_x': {'speed': 0}}, {'mock_x': '--set ...'})``.

    Values are parsed as TOML (``0`` an integer, ``0.5`` a float, ``true`` a boolean); a bare
    word stays a string. The second mapping tells where each instrument's settings come from.
    """
    import tomllib

    out: dict[str, dict[str, Any]] = {}
    origins: dict[str, str] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        inst, dot, setting = key.partition(".")
        if not sep or not dot or not inst.strip() or not setting.strip():
            raise click.BadParameter(f"{item!r} is not INSTRUMENT.SETTING=VALUE",
                                     param_hint="--set")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word: keep it as a string
        out.setdefault(inst.strip(), {})[setting.strip()] = value
        origins.setdefault(inst.strip(), f"--set {item}")
    return out, origins


def merge_settings(*layers: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Merge per-instrument settings tables (names case-insensitive), later layers winning."""
    merged: dict[str, dict[str, Any]] = {}
    spelling: dict[str, str] = {}
    for layer in layers:
        for inst, values in layer.items():
            name = spelling.setdefault(inst.lower(), inst)
            merged.setdefault(name, {}).update(dict(values))
    return merged


def check_output(path: Path | str | None, where: str) -> Path | None:
    """Refuse an output that is neither an HDF5 file name nor a directory.

    ``-o data/`` (or an existing directory) gets a new time-stamped file; ``-o run.h5`` is that
    file. ``-o notes.txt`` would otherwise create a *directory* named ``notes.txt``.
    """
    if path is None:
        return None
    p = Path(path).expanduser()
    if p.suffix and p.suffix.lower() not in H5_SUFFIXES and not p.is_dir():
        raise click.BadParameter(
            f"{str(path)!r} is neither an HDF5 file name ({', '.join(H5_SUFFIXES)}) nor an "
            "existing directory; name the file *.h5, or create the directory first",
            param_hint=where,
        )
    return p


__all__ = ["H5_SUFFIXES", "PositiveNumber", "check_output", "merge_settings", "parse_settings"]
