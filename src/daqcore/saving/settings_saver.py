"""``H5Saver``: PyMoDAQ's GUI saver without Qt, driven by its settings tree.

:class:`H5Saver` holds an :class:`~daqcore.saving.h5file.H5File` (through
:class:`~daqcore.saving.h5saver.H5SaverCore`, PyMoDAQ's group/array API) and ``settings``, the
tree of :func:`~daqcore.saving.h5saver_settings.h5saver_settings` with PyMoDAQ's names and
defaults. Its file naming, scan indexes and paths are PyMoDAQ's (``init_file``,
``update_file_paths``, ``get_scan_index``...). Writing a setting acts at once, as PyMoDAQ's
``value_changed`` does: backend (closes the file, switches library, hides the SWMR options
where SWMR is impossible), compression, base path (created), ``current_h5_file`` (opens that
file), fill value, saving dynamic; ``enable_swmr`` and ``flush_interval`` apply to the files
opened afterwards; pressing ``new_file`` (``settings.child('new_file').activate()``) starts a
new file. With ``follow_do_save=True`` the ``do_save`` switch opens a new file and closes it,
as PyMoDAQ's DAQ_Viewer does for continuous saving. The dialogs (custom names, browsing, the
SWMR question) are the dashboard's: without one, :attr:`H5Saver.file_selector` names files.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from daqcore.data import DataDim, DataSource, DataToExport
from daqcore.saving.backends.base import Compression, H5LibraryBackend
from daqcore.saving.enums import GroupType, SaveType
from daqcore.saving.errors import H5FileError, NodeError
from daqcore.saving.h5file import H5File
from daqcore.saving.h5saver import H5SaverCore
from daqcore.saving.h5saver_settings import (
    SETTINGS_NAME,
    SWMR_CAPABLE_BACKENDS,
    find_part_in_path_and_subpath,
    h5saver_params,
    h5saver_settings,
    set_current_scan_path,
)
from daqcore.saving.nodes import GROUP, Node
from daqcore.settings_tree import Setting

logger = logging.getLogger(__name__)


class H5Saver(H5SaverCore):
    """PyMoDAQ's ``H5Saver`` (settings tree, automatic file names, scan indexes), no Qt.

    Parameters
    ----------
    save_type : SaveType or str
        ``scan``, ``detector``, ``logger``, ``custom``, ``actuator`` or ``optimizer``.
    backend : str or H5LibraryBackend, optional
        Default: the ``backend/backend_type`` setting (``'h5py'``).
    base_path, base_name, swmr, flush_interval, dynamic, fill_value : optional
        daqcore shortcuts writing the settings ``base_path``, ``base_name``,
        ``backend/swmr_options/enable_swmr``, ``.../flush_interval``, ``data_format/dynamic``
        and ``data_format/fill_value`` (0 or NaN).
    compression : Compression or (library, level), optional
        Compression from the start (PyMoDAQ compresses only once a compression setting is
        changed); mirrored in the settings when the library is ``zlib``/``gzip``.
    follow_do_save : bool
        Open a new file when ``do_save`` becomes True and close it when False.
    **kwargs
        Other :class:`~daqcore.saving.h5file.H5File` arguments (``flush_period``,
        ``swmr_auto_start``: False by default here, SWMR being started by the caller with
        :meth:`enable_swmr` as PyMoDAQ's scan does).
    """

    settings_name: ClassVar[str] = SETTINGS_NAME
    params: ClassVar[list[dict[str, Any]]] = h5saver_params()

    def __init__(self, save_type: SaveType | str = "scan",
                 backend: str | H5LibraryBackend | None = None, *,
                 base_path: Path | str | None = None, base_name: str | None = None,
                 swmr: bool | None = None, flush_interval: int | None = None,
                 dynamic: str | None = None, fill_value: float | None = None,
                 compression: Any = None, follow_do_save: bool = False,
                 **kwargs: Any) -> None:
        self.settings: Setting = h5saver_settings(save_type)
        if backend is None:
            backend = self.settings["backend", "backend_type"]
        kwargs.setdefault("swmr_auto_start", False)
        self._file_kwargs = dict(kwargs)
        super().__init__(save_type, backend, compression=compression, **kwargs)
        self.follow_do_save = bool(follow_do_save)
        #: ``callable() -> Path | None`` asked for a file name when PyMoDAQ opens a file
        #: dialog (``custom_naming``, ``load_file`` without a path); set by the dashboard.
        self.file_selector: Callable[[], Path | str | None] | None = None
        self.current_scan_group: GROUP | None = None
        self.current_scan_name: str | None = None
        self._file_loaded = False
        tree = self.settings
        tree.child("save_type").setValue(self.save_type.name)
        if self.backend_name in (tree.child("backend", "backend_type").choices or ()):
            tree.child("backend", "backend_type").setValue(self.backend_name)
        tree.child("backend", "swmr_options").visible = self.is_swmr_capable
        for path, value in (("base_path", base_path), ("base_name", base_name),
                            ("backend/swmr_options/enable_swmr", swmr),
                            ("backend/swmr_options/flush_interval", flush_interval),
                            ("data_format/dynamic", dynamic)):
            if value is not None:
                tree.child(path).setValue(str(value) if path == "base_path" else value)
        self.file.dynamic = tree["data_format", "dynamic"]
        self.fill_value = tree["data_format", "fill_value"] if fill_value is None else fill_value
        if isinstance(self.compression, Compression) and self.compression.library == "zlib":
            tree.child("data_format", "compression_options", "h5comp_level").setValue(
                self.compression.level)
        tree.subscribe(self._setting_changed)

    # ================================================================== settings shortcuts
    @property
    def base_path(self) -> Path:
        return Path(self.settings["base_path"])

    @base_path.setter
    def base_path(self, value: Path | str) -> None:
        self.settings.child("base_path").setValue(str(value))

    @property
    def base_name(self) -> str:
        return str(self.settings["base_name"])

    @base_name.setter
    def base_name(self, value: str) -> None:
        self.settings.child("base_name").setValue(value)

    @property
    def swmr(self) -> bool:
        """The ``enable_swmr`` setting (used where the backend can do SWMR)."""
        return bool(self.settings["backend", "swmr_options", "enable_swmr"])

    @swmr.setter
    def swmr(self, value: bool) -> None:
        self.settings.child("backend", "swmr_options", "enable_swmr").setValue(bool(value))

    @property
    def fill_value(self) -> float:
        return float(self.settings["data_format", "fill_value"])

    @fill_value.setter
    def fill_value(self, value: float) -> None:
        """0 or NaN, the choices of PyMoDAQ's setting (other values are refused)."""
        self.settings.child("data_format", "fill_value").setValue(float(value))
        self.file.fill_value = float(value)

    @property
    def file_loaded(self) -> bool:
        """True after :meth:`load_file` (PyMoDAQ's meaning: the next names follow that file)."""
        return self._file_loaded

    @file_loaded.setter
    def file_loaded(self, value: bool) -> None:
        self._file_loaded = bool(value)

    @staticmethod
    def get_params_for_save_type(save_type: SaveType | str) -> list[dict[str, Any]]:
        return h5saver_params(save_type)

    # ================================================================== reacting to settings
    def _setting_changed(self, setting: Setting, old: Any, new: Any) -> None:
        name = setting.name
        if name == "base_path":
            try:
                Path(new).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                logger.warning("the base path %r cannot be created: %s", new, exc)
        elif name in ("h5comp_library", "h5comp_level"):
            options = self.settings.child("data_format", "compression_options")
            self.define_compression(options["h5comp_library"], options["h5comp_level"])
        elif name == "backend_type":
            capable = new in SWMR_CAPABLE_BACKENDS
            self.settings.child("backend", "swmr_options").visible = capable
            if not capable and self.swmr:
                self.swmr = False
                logger.warning("SWMR is only supported with the h5py backend, disabling")
            if new != self.backend_name:
                self.set_backend(new)
        elif name == "fill_value":
            self.file.fill_value = float(new)
        elif name == "dynamic":
            self.file.dynamic = new
        elif name == "flush_interval" and self.swmr_mode:
            self.set_swmr_flush_interval(int(new))
        elif name == "current_h5_file":
            if new and (self.file_path is None or Path(new) != self.file_path):
                self.close_file()
                self.init_file(addhoc_file_path=new)
        elif name == "new_file":
            self.init_file(update_h5=True)
        elif name == "do_save" and self.follow_do_save:
            if new:
                self.settings.child("N_saved").setValue(0)
                self.init_file(update_h5=True)
            else:
                self.close_file()

    def set_backend(self, backend: str | H5LibraryBackend) -> None:
        """Close the file and write the next files with ``backend`` (same options)."""
        self.close_file()
        old = self.file
        self.file = H5File(self.save_type, backend, compression=old.compression,
                           dynamic=old.dynamic, fill_value=old.fill_value,
                           **{**self._file_kwargs, "flush_period": old.flush_period,
                              "swmr_auto_start": old.swmr_auto_start})
        tree = self.settings.child("backend", "backend_type")
        if self.backend_name in (tree.choices or ()) and tree.value != self.backend_name:
            tree.setValue(self.backend_name)

    # ================================================================== files
    def init_file(self, update_h5: bool | Path | str = False, custom_naming: bool = False,
                  addhoc_file_path: Path | str | None = None, metadata: dict | None = None,
                  mode: str = "a", file_name: Path | str | None = None,
                  new_file: bool | None = None, **kwargs: Any) -> bool:
        """Open the file the settings name, PyMoDAQ's ``H5Saver.init_file``.

        Scans: ``<base_path>/<YYYY>/<YYYYMMDD>/Dataset_<YYYYMMDD>_<NNN>.h5``, a new NNN when
        ``update_h5`` or no scan was named yet, else the last dataset of the day (appended
        to). Other save types: ``<base_path>/<YYYY>/<YYYYMMDD>/<base_name>_<YYYYMMDD>_<HH>_<MM>
        _<SS>.h5``. ``addhoc_file_path`` (or daqcore's ``file_name``) opens that file and
        names the next scan after its last one; ``custom_naming`` (or the ``custom_name``
        setting) asks :attr:`file_selector`. ``new_file=True`` is ``update_h5=True``; a
        path given first is taken as ``file_name``. Returns ``update_h5``, as PyMoDAQ (True:
        a new file was asked for).
        """
        if isinstance(update_h5, (str, os.PathLike)):
            if file_name is not None:
                raise H5FileError(
                    f"init_file got two file names: {str(update_h5)!r} and {str(file_name)!r}")
            file_name, update_h5 = Path(update_h5), False
        update_h5 = bool(update_h5) or bool(new_file)
        if addhoc_file_path is None and file_name is not None:
            addhoc_file_path = file_name
        now = datetime.datetime.now()
        if addhoc_file_path is None:
            self.base_path.mkdir(parents=True, exist_ok=True)
            if not (custom_naming or self.settings["custom_name"]):
                scan_path, scan_name, save_path = self.update_file_paths(update_h5)
                self.current_scan_name = scan_name
                self.settings.child("current_scan_name").setValue(scan_name)
                self.settings.child("current_scan_path").setValue(str(scan_path))
                if self.save_type == SaveType.scan:
                    path = save_path.parent / (save_path.name + ".h5")
                else:
                    path = save_path.parent / (self.base_name + now.strftime("_%Y%m%d_%H_%M_%S.h5"))
            else:
                path = self._selected_file("a custom file name")
        else:
            path = Path(addhoc_file_path)
        swmr_mode, update_h5 = self._swmr_for(path, update_h5)
        swmr_mode = bool(kwargs.pop("swmr_mode", swmr_mode))
        with _quiet(self.settings, self._setting_changed):
            self.settings.child("current_h5_file").setValue(str(path))
        self.file.init_file(path, new_file=update_h5, metadata=metadata, swmr_mode=swmr_mode,
                            mode=mode, **kwargs)
        self.set_swmr_flush_interval(
            self.settings["backend", "swmr_options", "flush_interval"] if swmr_mode else 0)
        if addhoc_file_path is not None:
            scan_name = f"Scan{self.get_scan_index() + 1:03d}"
            self.current_scan_name = scan_name
            self.settings.child("current_scan_name").setValue(scan_name)
        return update_h5

    def _swmr_for(self, path: Path, update_h5: bool) -> tuple[bool, bool]:
        """``(swmr_mode, update_h5)``: the setting where the backend allows it. An existing
        file opened without SWMR where the setting asks for it: SWMR off for it (the first
        answer of PyMoDAQ's dialog), with a warning."""
        swmr_mode = self.swmr and self.is_swmr_capable
        if swmr_mode and not update_h5 and path.is_file() \
                and not _swmr_compatible(path, self.backend_name):
            logger.warning("%s was not created for SWMR: appending without SWMR", path)
            swmr_mode = False
        return swmr_mode, update_h5

    def _selected_file(self, what: str) -> Path:
        chosen = self.file_selector() if self.file_selector is not None else None
        if not chosen:
            raise H5FileError(f"{what} needs a file dialog: set H5Saver.file_selector or pass "
                              "addhoc_file_path")
        return Path(chosen)

    def update_file_paths(self, update_h5: bool = False) -> tuple[Path, str, Path]:
        """``(scan_path, scan_name, dataset_path)`` of the next file (PyMoDAQ's rule).

        A new dataset index when ``update_h5`` or when no scan is named yet; otherwise the
        index and date of the loaded file, or the last dataset of today.
        """
        ind_dataset: int | None = None
        if self.settings["current_scan_name"] == "" or update_h5:
            next_scan_index, update_h5 = 0, True
            self.file_loaded = False
        else:
            next_scan_index = self.get_scan_index() if self.isopen() else 0
        curr_date = datetime.date.today()
        if self.file_loaded and self.h5_file_name is not None:
            ind_dataset = int(os.path.splitext(self.h5_file_name)[0][-3:])
            curr_date = _file_date(self.get_attr(self.root(), "date"))
        scan_path, scan_name, dataset_path = self.set_current_scan_path(
            self.base_path, self.base_name, update_h5, next_scan_index,
            create_dataset_folder=False, curr_date=curr_date, ind_dataset=ind_dataset)
        self.settings.child("current_scan_path").setValue(str(dataset_path))
        return scan_path, scan_name, dataset_path

    find_part_in_path_and_subpath = staticmethod(find_part_in_path_and_subpath)
    set_current_scan_path = staticmethod(set_current_scan_path)

    def load_file(self, base_path: Path | str | None = None,
                  file_path: Path | str | None = None) -> None:
        """Open an existing file to append to it (:attr:`file_selector` when no path)."""
        if file_path is None:
            file_path = self._selected_file("load_file without a file_path")
        file_path = Path(file_path)
        if "h5" not in file_path.suffix:
            raise H5FileError(f"invalid file type {file_path.name!r}: should be a h5 file")
        self.init_file(addhoc_file_path=file_path)
        self.file_loaded = True

    # ================================================================== scans
    def get_last_scan(self) -> GROUP | None:
        """The last ``ScanNNN`` group under ``/RawData`` (None if there is none)."""
        return self.get_last_group(self.raw_group, GroupType.scan)

    def get_scan_groups(self) -> list[GROUP]:
        return self.get_groups(self.raw_group, GroupType.scan)

    def get_scan_index(self) -> int:
        """Index of the last scan group (``Scan002`` -> 2), 0 when there is none."""
        last = self.get_last_scan()
        return int(last.name[4:]) if last is not None else 0

    def add_scan_group(self, where: Node | str = "/RawData", title: str = "",
                       settings_as_xml: str = "", metadata: dict | None = None) -> GROUP:
        """Add a ``ScanNNN`` group; it becomes ``current_scan_group``."""
        group = super().add_scan_group(where, title, settings_as_xml, metadata)
        self.current_scan_group = group
        return group

    # ================================================================== data filter
    def filter_data_wrt_settings(self, dwa: Any) -> bool:
        """True if ``dwa`` passes ``save_2D`` (no 2D/ND data when False) and
        ``save_raw_only`` (raw data only when True), PyMoDAQ's module savers' rule."""
        keep = True
        if not self.settings["save_2D"]:
            keep = dwa.dim not in (DataDim.Data2D, DataDim.DataND)
        if self.settings["save_raw_only"]:
            keep = keep and dwa.source == DataSource.raw
        return keep

    def filter_data(self, dte: Any) -> Any:
        """The items of ``dte`` to save: a ``do_save`` extra attribute decides first, then
        :meth:`filter_data_wrt_settings` (a new DataToExport named ``Filtered``)."""
        kept = [dwa for dwa in dte
                if (dwa.do_save if "do_save" in dwa.extra_attributes
                    else self.filter_data_wrt_settings(dwa))]
        return DataToExport("Filtered", data=kept)

    def close(self) -> None:
        self.close_file()


def _swmr_compatible(path: Path, backend: str) -> bool:
    """True if the file at ``path`` was created for SWMR (root ``swmr_compatible``)."""
    probe = H5File("custom", backend)
    try:
        probe.open_file(path, "r")
        return probe.is_swmr_compatible
    except Exception:  # unreadable: not ours to judge here, init_file reports it
        return False
    finally:
        probe.close_file()


def _file_date(text: Any) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError as exc:
        raise NodeError(f"the file's date attribute {text!r} is not an ISO date") from exc


class _quiet:
    """Context manager: ``callback`` is not subscribed to ``tree`` inside the block."""

    def __init__(self, tree: Setting, callback: Callable[[Setting, Any, Any], None]) -> None:
        self.tree, self.callback = tree, callback

    def __enter__(self) -> None:
        self.tree.unsubscribe(self.callback)

    def __exit__(self, *exc: object) -> None:
        self.tree.subscribe(self.callback)


__all__ = ["H5Saver"]
