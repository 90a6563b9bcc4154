"""Sphinx configuration of the daqcore documentation (Markdown pages through MyST, furo theme).

Build: ``python -m sphinx -W --keep-going -n -b html docs docs/_build/html``
(``tests/docs/test_docs_build.py`` runs the same build, so a broken reference fails CI).

* Pages are the ``*.md`` files of this directory, listed in the toctrees of ``index.md``.
* The API reference is generated from docstrings (numpy style) by autodoc + napoleon:
  one page per module listed in ``api_modules`` (``api/<module>.md``, written at build
  time, never committed). Adding a module to the reference is adding its name there.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # local extensions (api_pages)
sys.path.insert(0, str(DOCS.parent / "src"))  # build from a checkout without installing

from daqcore import __version__  # noqa: E402

project = "daqcore"
author = "daqcore developers"
copyright = "daqcore developers, MIT licence"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "api_pages",
]

#: Public modules documented in the API reference, one page each (in this order).
api_modules = [
    "daqcore.data",
    "daqcore.data.records",
    "daqcore.data.xarray_export",
    "daqcore.data.lazy",
    "daqcore.saving",
    "daqcore.saving.errors",
    "daqcore.instruments",
    "daqcore.plugins",
    "daqcore.acquisition",
    "daqcore.acquisition.errors",
    "daqcore.saving.sinks",
    "daqcore.saving.stream_sink",
    "daqcore.saving.lazy",
    "daqcore.acquisition.stream",
    "daqcore.testing",
    "daqcore.testing.suite",
    "daqcore.testing.conformance",
    "daqcore.testing.pytest_plugin",
    "daqcore.remote",
    "daqcore.remote.errors",
    "daqcore.remote.link",
    "daqcore.interop.pymodaq",
    "daqcore.interop.pymodaq.package",
    "daqcore.interop.pymodaq.adapter",
    "daqcore.errors",
    "daqcore_plugins.mock",
    "daqcore_plugins.joulescope",
    "daqcore_plugins.picoscope",
    "daqcore_plugins.picoscope.device",
    "daqcore_plugins.picoscope.streaming",
    "daqcore.saving.stream_reader",
    "daqcore.gui",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "dev/_*", "**/.ipynb_checkpoints"]
templates_path: list[str] = []

# ---------------------------------------------------------------------------------- MyST
myst_enable_extensions = ["colon_fence", "deflist"]
# anchors for headings, so pages can link to [a section](file_format.md#attribute-encoding)
myst_heading_anchors = 3

# ---------------------------------------------------------------------------------- autodoc
autodoc_default_options = {
    "members": True,
    "undoc-members": False,
    "show-inheritance": True,
    "member-order": "bysource",
}
autodoc_typehints = "description"
autodoc_typehints_description_target = "documented_params"
autodoc_class_signature = "separated"
autodoc_preserve_defaults = True
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
# dataclass fields listed under "Attributes" become :ivar: fields, not a second description
napoleon_use_ivar = True

# ---------------------------------------------------------------------------------- nitpicky
# The build runs with -n: every cross-reference must resolve. There is no network on the
# build machines, so no intersphinx inventories: references to the standard library (outside
# builtins/typing, which Sphinx resolves itself) and to third-party packages cannot resolve
# and are ignored here, by package. Everything of daqcore must resolve.
# internal types that appear in public signatures: what dwa.inav/isig/vnav/vsig return (their
# use is documented there), node.attrs, the HDF5 backend protocol, the file layer under
# H5SaverLowLevel (whose methods are documented on H5SaverLowLevel), the saving dialog
# (a Qt dialog returned by show_settings)
nitpick_ignore = [
    ("py:class", "daqcore.data.slicing.DataSlicer"),
    ("py:class", "daqcore.saving.nodes.Attributes"),
    ("py:class", "daqcore.saving.backends.base.H5LibraryBackend"),
    ("py:class", "H5LibraryBackend"),
    ("py:class", "H5File"),
    ("py:class", "daqcore.gui.saving_dialog.SavingSettingsDialog"),  # a Qt dialog returned
]
nitpick_ignore_regex = [
    # the type of a parameter in a numpy docstring is prose as much as a name ("int, optional",
    # "sequence of float", "array-like", "{'h5py', 'tables'}", "ndarray, shape (n, 2)"): words
    # with a space, a bracket, a quote or a hyphen, and lower-case words (daqcore's classes are
    # CamelCase) are not references. CamelCase and dotted names still have to resolve.
    (r"py:class", r".*[\s(){}'\"\-\[\]<>=*].*|[a-z][a-z0-9_]*|"),
    # private bases and helpers (``_Record``, ``_NamedEnum``...) are not documented
    (r"py:.*", r"(.*\.)?_[A-Za-z]\w*"),
    # standard library modules used in signatures and docstrings
    (r"py:.*", r"(collections\.abc|pathlib|enum|datetime|threading|contextlib|types|"
               r"concurrent\.futures|logging|queue|io|os|ast|json)\..*"),
    (r"py:.*", r"(Path|Enum|Iterator|Iterable|Callable|Mapping|Sequence|Generator)"),
    # third-party packages daqcore builds on (numpy, pint, HDF5 libraries, click, pluggy...)
    (r"py:.*", r"(numpy|np|pint|h5py|tables|click|pluggy|xarray|pytest|_pytest|numpy\.typing|"
               r"importlib\.metadata|xml|hdf5plugin|joulescope|PySide6|shiboken6|qtpy|pyqtgraph|pyleco|"
               r"time)(\..*)?"),
    (r"py:class", r"True|False|None"),
    (r"py:.*", r"(ndarray|array_like|ArrayLike|DTypeLike|dtype|Quantity|Unit)"),
]

# prose in numpy type fields ("shape (n_points, 2)") may match several attributes by name
suppress_warnings = ["ref.python"]

# ---------------------------------------------------------------------------------- HTML
html_theme = "furo"
html_title = f"daqcore {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
