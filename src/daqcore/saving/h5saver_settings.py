"""The settings of PyMoDAQ's GUI ``H5Saver`` as a daqcore settings tree, and its file naming.

:func:`h5saver_params` lists the settings in PyMoDAQ's parameter-dictionary form with PyMoDAQ
5.3's names, titles, types, limits and defaults (those of ``pymodaq_data``'s default
configuration); :func:`h5saver_settings` builds the :class:`~daqcore.settings_tree.Setting`
tree from it. :class:`~daqcore.saving.settings_saver.H5Saver` holds one and acts on it.

Two daqcore differences, both listed in ``docs/migration.md``: the default base path is
``C:\\Data`` on Windows only (``~/Data`` elsewhere, where PyMoDAQ's default makes a folder
named ``C:\\Data`` in the working directory), and ``data_format/dynamic`` (the saving
dynamic, which PyMoDAQ 5.3 reads from its configuration only) is an extra setting.

:func:`find_part_in_path_and_subpath` and :func:`set_current_scan_path` are PyMoDAQ's
naming rules: ``<base>/<YYYY>/<YYYYMMDD>/Dataset_<YYYYMMDD>_<NNN>.h5`` for scans.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any

from daqcore.saving.dynamic import DYNAMICS
from daqcore.saving.enums import SaveType
from daqcore.settings_tree import Setting, Settings

SETTINGS_NAME = "h5saver_settings"
"""Name of the root group (PyMoDAQ's ``H5SaverBase.settings_name``)."""

DEFAULT_BACKEND = "h5py"
"""First entry of PyMoDAQ's ``data_saving.backend`` configuration."""

BACKEND_CHOICES = ("tables", "h5py")
"""PyMoDAQ's ``backends_available`` where both libraries are installed."""

SWMR_CAPABLE_BACKENDS = frozenset({"h5py"})

DEFAULT_SAVE_PATH = "C:\\Data" if os.name == "nt" else str(Path.home() / "Data")
"""PyMoDAQ's ``data_saving.h5file.save_path`` on Windows; ``~/Data`` elsewhere."""

COMPRESSION_LIBRARIES = ("zlib", "gzip")

EXTRA_SETTINGS = ("data_format/dynamic",)
"""Paths of the settings daqcore adds to PyMoDAQ's."""

_HSDS = {"endpoint": "http://hsds.sebastienweber.fr", "user": "pymodaq_user",
         "password": "pymodaq"}


def h5saver_params(save_type: SaveType | str = "scan",
                   base_path: str = DEFAULT_SAVE_PATH) -> list[dict[str, Any]]:
    """PyMoDAQ's ``H5SaverBase.params`` for ``save_type`` (plus ``data_format/dynamic``)."""
    save_type = SaveType.check(save_type).name
    return [
        {"title": "Save type:", "name": "save_type", "type": "list", "value": save_type,
         "limits": list(SaveType.names()), "readonly": True},
        {"title": "Save 2D datas and above:", "name": "save_2D", "type": "bool",
         "value": True},
        {"title": "Save raw datas only:", "name": "save_raw_only", "type": "bool",
         "value": True, "tooltip": "if True, data computed from ROIs are not saved"},
        {"title": "Do Save:", "name": "do_save", "type": "bool", "value": False},
        {"title": "N saved:", "name": "N_saved", "type": "int", "value": 0, "visible": False},
        {"title": "custom_name?:", "name": "custom_name", "type": "bool", "value": False},
        {"title": "Close file after scan:", "name": "close_after_scan", "type": "bool",
         "value": False},
        {"title": "Base path:", "name": "base_path", "type": "browsepath", "value": base_path,
         "readonly": True},
        {"title": "Base name:", "name": "base_name", "type": "str", "value": "Scan",
         "readonly": True},
        {"title": "Current scan:", "name": "current_scan_name", "type": "str", "value": "",
         "readonly": True},
        {"title": "Current path:", "name": "current_scan_path", "type": "text",
         "value": base_path, "readonly": True, "visible": False},
        {"title": "h5file:", "name": "current_h5_file", "type": "browsepath", "value": "",
         "readonly": True, "tooltip": "The current h5 file; choosing another one opens it."},
        {"title": "Browse file content", "name": "show_file", "type": "action"},
        {"title": "New file", "name": "new_file", "type": "action"},
        {"title": "Backend:", "name": "backend", "type": "group", "children": [
            {"title": "Backend type:", "name": "backend_type", "type": "list",
             "value": DEFAULT_BACKEND, "limits": list(BACKEND_CHOICES)},
            {"title": "SWMR options:", "name": "swmr_options", "type": "group",
             "tooltip": "Single Writer Multiple Reader mode (h5py backend only)", "children": [
                 {"title": "Enable SWMR:", "name": "enable_swmr", "type": "bool",
                  "value": True},
                 {"title": "Flush interval:", "name": "flush_interval", "type": "int",
                  "value": 1, "min": 0, "tooltip": "Flush every N scan steps, 0: at the end"},
             ]},
            {"title": "HSDS Server:", "name": "hsds_options", "type": "group",
             "visible": False, "children": [
                 {"title": "Endpoint:", "name": "endpoint", "type": "str",
                  "value": _HSDS["endpoint"]},
                 {"title": "User:", "name": "user", "type": "str", "value": _HSDS["user"]},
                 {"title": "password:", "name": "password", "type": "str",
                  "value": _HSDS["password"]},
             ]},
        ]},
        {"title": "Data format:", "name": "data_format", "type": "group", "children": [
            {"title": "Fill value:", "name": "fill_value", "type": "list",
             "limits": {"0": 0.0, "nan": float("nan")}, "value": float("nan"),
             "tooltip": "Value of the scan points not written yet"},
            {"title": "Compression:", "name": "compression_options", "type": "group",
             "children": [
                 {"title": "Library:", "name": "h5comp_library", "type": "list",
                  "value": "zlib", "limits": list(COMPRESSION_LIBRARIES)},
                 {"title": "Level:", "name": "h5comp_level", "type": "int", "value": 5,
                  "min": 0, "max": 9},
             ]},
            {"title": "Saving dynamic:", "name": "dynamic", "type": "list", "value": "as_is",
             "limits": list(DYNAMICS), "tooltip": "dtype data arrays are stored with"},
        ]},
    ]


def h5saver_settings(save_type: SaveType | str = "scan",
                     base_path: str = DEFAULT_SAVE_PATH) -> Setting:
    """The settings tree of an H5Saver (root ``h5saver_settings``)."""
    return Settings(h5saver_params(save_type, base_path), name=SETTINGS_NAME)


def find_part_in_path_and_subpath(base_dir: Path, part: str = "", create: bool = False,
                                  increment: bool = True) -> Path:
    """The folder named ``part``: ``base_dir`` or its ancestor of that name, else the
    sub-folder ``base_dir/part`` (created if ``create``; ``base_dir`` itself if it does not
    exist and not ``increment``). PyMoDAQ's rule, used for the year and day folders."""
    base_dir = Path(base_dir)
    if part in base_dir.parts:
        if base_dir.name == part:
            return base_dir
        for parent in base_dir.parents:
            if parent.name == part:
                return parent
    subfolders = [p for p in base_dir.iterdir() if p.is_dir()] if base_dir.is_dir() else []
    for folder in subfolders:
        if folder.name == part:
            return folder
    found = base_dir / part if increment else base_dir
    if create:
        found.mkdir(exist_ok=True)
    return found


def set_current_scan_path(base_dir: Path | str, base_name: str = "Scan", update_h5: bool = False,
                          next_scan_index: int = 0, create_scan_folder: bool = False,
                          create_dataset_folder: bool = True,
                          curr_date: datetime.date | None = None,
                          ind_dataset: int | None = None) -> tuple[Path, str, Path]:
    """``(dataset_path, scan_name, dataset_path)`` as PyMoDAQ computes them.

    The year and day folders under ``base_dir`` are created; ``dataset_path`` is
    ``<day>/Dataset_<YYYYMMDD>_<NNN>`` (no suffix, not created: the file is that path plus
    ``.h5``) where NNN is ``ind_dataset`` or, by default, the index of the last dataset file
    of the day (plus one if ``update_h5``; 0 if there is none); ``scan_name`` is
    ``<base_name><next_scan_index:03d>``. ``create_scan_folder`` and
    ``create_dataset_folder`` are accepted and ignored, as by PyMoDAQ.
    """
    base_dir = Path(base_dir)
    if curr_date is None:
        curr_date = datetime.date.today()
    year_path = find_part_in_path_and_subpath(base_dir, str(curr_date.year), create=True)
    day_path = find_part_in_path_and_subpath(year_path, curr_date.strftime("%Y%m%d"),
                                             create=True)
    dataset_base_name = curr_date.strftime("Dataset_%Y%m%d")
    if ind_dataset is None:
        dataset_files = sorted(p for p in day_path.glob(dataset_base_name + "*.h5")
                               if p.is_file())
        if not dataset_files:
            ind_dataset = 0
        else:
            last = int(dataset_files[-1].stem.partition(dataset_base_name + "_")[2])
            ind_dataset = last + 1 if update_h5 else last
    dataset_path = find_part_in_path_and_subpath(day_path, f"{dataset_base_name}_{ind_dataset:03d}",
                                                 create=False, increment=True)
    return dataset_path, f"{base_name}{next_scan_index:03d}", dataset_path


__all__ = ["BACKEND_CHOICES", "COMPRESSION_LIBRARIES", "DEFAULT_BACKEND", "DEFAULT_SAVE_PATH",
           "EXTRA_SETTINGS", "SETTINGS_NAME", "SWMR_CAPABLE_BACKENDS",
           "find_part_in_path_and_subpath", "h5saver_params", "h5saver_settings",
           "set_current_scan_path"]
