"""What an HDF5 backend can do, declared by the backend itself.

Code above :mod:`daqcore.saving.backends` asks a backend's :class:`BackendCapabilities`
(``backend.capabilities.swmr``...) instead of its name, so a third-party backend that
declares the same capabilities is used exactly like a built-in one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BackendCapabilities:
    """Features of an HDF5 backend.

    Attributes
    ----------
    swmr : bool
        Single-Writer-Multiple-Reader writing and reading (``swmr_mode=True``).
    compression : frozenset of str
        Compression libraries usable right now (``'zlib'``, ``'blosc2'``); a library whose
        filter plugin is not installed is not listed.
    complex_types : bool
        Complex numbers can be stored as array elements.
    vlen_strings : bool
        Attributes are stored as variable-length strings (else fixed-length).
    max_attribute_bytes : int or None
        Largest encoded attribute (UTF-8 bytes) the backend can store as an attribute; larger
        values go to ``/LargeAttributes``. None: no limit (h5py stores large attributes
        in HDF5's dense attribute storage, as PyMoDAQ does); PyTables refuses attributes over
        one 64 KiB object-header message.
    fill_values : bool
        Arrays created without data read as their fill value until written (unvisited scan
        points read as NaN without being written).
    object_identity : bool
        ``H5LibraryBackend.object_key`` identifies an HDF5 object
        whatever path reached it (hard links), so tree walks detect loops exactly; without it
        walks stop at a depth limit.
    """

    swmr: bool = False
    compression: frozenset[str] = frozenset({"zlib"})
    complex_types: bool = True
    vlen_strings: bool = False
    max_attribute_bytes: int | None = 65_000
    fill_values: bool = True
    object_identity: bool = False

    def supports_compression(self, library: str) -> bool:
        """True if ``library`` (``'zlib'``, ``'gzip'``, ``'blosc2'``) can be used."""
        lib = library.lower()
        lib = {"gzip": "zlib", "blosc": "blosc2"}.get(lib, lib)
        return lib in self.compression

    def describe(self) -> str:
        """One line for listings: ``swmr, zlib+blosc2, complex, vlen-str, attrs<=65000 B``."""
        parts = ["swmr" if self.swmr else "no-swmr",
                 "+".join(sorted(self.compression)) or "no-compression"]
        if self.complex_types:
            parts.append("complex")
        if self.vlen_strings:
            parts.append("vlen-str")
        if self.fill_values:
            parts.append("fill-values")
        parts.append("attrs unlimited" if self.max_attribute_bytes is None
                     else f"attrs<={self.max_attribute_bytes} B")
        return ", ".join(parts)


__all__ = ["BackendCapabilities"]
