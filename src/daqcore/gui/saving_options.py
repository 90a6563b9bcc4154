"""The dashboard's saving settings, as a typed settings tree (no Qt).

They mirror what PyMoDAQ's H5Saver settings offer, as far as daqcore's
:class:`~daqcore.saving.H5Saver` exposes them: base path and name, backend, compression,
saving dynamic, SWMR and flush interval. Snapshots and continuous saving use every option;
scans and logs (written by the acquisition engines) use base path, backend, SWMR and flush
interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from daqcore.gui.errors import GuiError
from daqcore.instruments import Setting, Settings
from daqcore.saving import H5Saver, available_backends, backend_capabilities
from daqcore.saving.dynamic import DYNAMICS

COMPRESSIONS = ("none", "zlib", "blosc2")


@dataclass(frozen=True)
class SavingOptions:
    """Where and how the dashboard writes files.

    Attributes
    ----------
    base_path : str
        Directory of every new file.
    base_name : str
        File name prefix of snapshots and continuous saving (scans add the date and a number).
    backend : {'h5py', 'tables'}
    compression : {'none', 'zlib', 'blosc2'}
    compression_level : int
        0-9.
    dynamic : str
        dtype data are stored with (``as_is`` keeps the data's own).
    swmr : bool
        Let readers follow a file being written (h5py only).
    flush_interval : float
        Seconds between two flushes (what a crash can lose; how often SWMR readers see data).
    """

    base_path: str = "daqcore_data"
    base_name: str = "Data"
    backend: str = "h5py"
    compression: str = "none"
    compression_level: int = 5
    dynamic: str = "as_is"
    swmr: bool = True
    flush_interval: float = 0.5

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> SavingOptions:
        """Build from a preset's ``[saving]`` table (validated through :meth:`settings`)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise GuiError(f"unknown saving option(s) {unknown}; known: {sorted(known)}")
        tree = cls().settings()
        try:
            tree.update(dict(values))
        except Exception as exc:
            raise GuiError(f"bad saving option: {exc}") from exc
        return cls.from_settings(tree)

    def to_dict(self) -> dict[str, Any]:
        """A TOML-ready dict."""
        return asdict(self)

    def settings(self) -> Setting:
        """The options as a settings tree (what the saving settings dialog edits)."""
        return Settings([
            Setting("base_path", "str", self.base_path, title="Base path",
                    tip="directory where new files are created"),
            Setting("base_name", "str", self.base_name, title="Base name"),
            Setting("backend", "list", self.backend,
                    choices=tuple(available_backends()) or ("h5py", "tables"),
                    title="Backend"),
            Setting("compression", "list", self.compression, choices=COMPRESSIONS,
                    title="Compression"),
            Setting("compression_level", "int", self.compression_level, limits=(0, 9),
                    title="Compression level"),
            Setting("dynamic", "list", self.dynamic, choices=DYNAMICS, title="Saving dynamic"),
            Setting("swmr", "bool", self.swmr, title="Enable SWMR",
                    tip="readers may open the file while it is written (h5py)"),
            Setting("flush_interval", "float", self.flush_interval, limits=(0.0, 3600.0),
                    units="s", title="Flush interval"),
        ], name="saving", title="Saving")

    @property
    def use_swmr(self) -> bool:
        """SWMR asked for and offered by the backend (its capabilities, not its name)."""
        return self.swmr and backend_capabilities(self.backend).swmr

    @classmethod
    def from_settings(cls, tree: Setting) -> SavingOptions:
        """Read the options back from :meth:`settings`' tree."""
        values = tree.values()
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    def with_values(self, **values: Any) -> SavingOptions:
        """A copy with some options changed (validated)."""
        return SavingOptions.from_dict({**self.to_dict(), **values})

    def h5saver(self, save_type: str) -> H5Saver:
        """An :class:`~daqcore.saving.H5Saver` configured with these options (no file yet)."""
        compression = None if self.compression == "none" else (self.compression,
                                                               self.compression_level)
        return H5Saver(save_type, self.backend, base_path=Path(self.base_path),
                       base_name=self.base_name, swmr=self.use_swmr,
                       compression=compression, dynamic=self.dynamic,
                       flush_period=self.flush_interval or None)

    @classmethod
    def from_h5saver(cls, saver: H5Saver) -> SavingOptions:
        """The options an existing H5Saver was built with."""
        compression = saver.compression
        return cls(base_path=str(saver.base_path), base_name=saver.base_name,
                   backend=saver.backend_name,
                   compression="none" if compression is None or not compression.active
                   else compression.library,
                   compression_level=5 if compression is None else compression.level,
                   dynamic=saver.dynamic, swmr=saver.swmr,
                   flush_interval=float(saver.flush_period or 0.0))

    def scan_path(self) -> Path:
        """Directory scans and logs are written to (a new time-stamped file each)."""
        return Path(self.base_path)


__all__ = ["COMPRESSIONS", "SavingOptions"]
