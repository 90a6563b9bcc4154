"""The schema of scan and logger TOML files (pydantic models) and its error messages.

Every table is strict: a key the schema does not know, or a value of the wrong type
(``naverage = 2.7``, ``naverage = true``, ``output = 42``, ``actuators = "mock_x"``), is an
error; nothing is rounded, converted or dropped silently. :func:`validate` turns pydantic's
errors into one :class:`~daqcore.acquisition.errors.ScanConfigurationError` whose message names
the file, each offending key and the type expected.

This module imports pydantic; :mod:`daqcore.acquisition.config` imports it only when a file
is validated, so ``import daqcore`` and ``daqcore --help`` stay light.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from daqcore.acquisition.config import DEFAULT_MAX_POINTS
from daqcore.acquisition.errors import AcquisitionError, ScanConfigurationError

PositiveInt = Annotated[int, Field(ge=1)]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
SaverBackend = Annotated[str, Field(min_length=1)]  # a registered HDF5 backend, checked later
GridAxis = Annotated[list[FiniteFloat], Field(min_length=3, max_length=3)]
Bounds = Annotated[list[FiniteFloat], Field(min_length=2, max_length=2)]
Point = Annotated[list[FiniteFloat], Field(min_length=1)]


class StrictTable(BaseModel):
    """Base of every table: strict types, unknown keys refused."""

    model_config = ConfigDict(strict=True, extra="forbid")


class ScanSection(StrictTable):
    """The ``[scan]`` table."""

    actuators: list[str] = []
    detectors: list[str] = []
    naverage: PositiveInt = 1
    output: str | None = None
    title: str = ""
    description: str = ""
    backend: SaverBackend = "h5py"
    instrument_backend: str = "sim"
    move_timeout: PositiveFloat = 10.0
    flush_interval: NonNegativeFloat = 0.5
    max_points: PositiveInt = DEFAULT_MAX_POINTS
    scanner: Any = None

    @field_validator("scanner")
    @classmethod
    def _scanner_name_or_table(cls, value: Any) -> Any:
        if value is None or isinstance(value, str | dict):
            return value
        raise ValueError("expected a scanner name (string, parameters in [scanner]) or a "
                         "[scan.scanner] table")


class LogSection(StrictTable):
    """The ``[log]`` table."""

    detectors: list[str] = []
    interval: NonNegativeFloat = 1.0
    duration: PositiveFloat | None = None
    n_samples: PositiveInt | None = None
    output: str | None = None
    backend: SaverBackend = "h5py"
    instrument_backend: str = "sim"
    flush_interval: NonNegativeFloat = 1.0


class ConfigFile(StrictTable):
    """A whole file: ``[scan]`` and/or ``[log]``, ``[instruments.NAME]`` settings, and the
    ``[scanner]`` parameters of a scanner named by ``[scan] scanner = "NAME"``."""

    scan: ScanSection | None = None
    log: LogSection | None = None
    instruments: dict[str, dict[str, Any]] = {}
    scanner: dict[str, Any] | None = None  # parameters of [scan] scanner = "NAME"


class ScannerParams(StrictTable):
    """Keys every ``[scan.scanner]`` table may hold."""

    type: str = "grid"
    labels: list[str] | None = None
    units: list[str] | None = None


class GridParams(ScannerParams):
    """Regular grid: one [start, stop, step] per actuator (type = "grid")."""

    axes: Annotated[list[GridAxis], Field(min_length=1)]
    order: Literal["normal", "snake", "random"] = "normal"
    seed: int | None = None


class SpreadParams(ScannerParams):
    """List of points, one [x, y, ...] per point (type = "spread")."""

    points: Annotated[list[Point], Field(min_length=1)]


class RandomParams(ScannerParams):
    """n_points uniform random points inside bounds (type = "random")."""

    n_points: PositiveInt
    bounds: Annotated[list[Bounds], Field(min_length=1)]
    seed: int | None = None


class TabularParams(ScannerParams):
    """Rows of a table or of a CSV/text file, walked every step (type = "tabular")."""

    table: Annotated[list[Point], Field(min_length=1)] | None = None
    file: str | None = None
    step: PositiveFloat | None = None

    @model_validator(mode="after")
    def _one_source(self) -> TabularParams:
        if (self.table is None) == (self.file is None):
            raise ValueError("give exactly one of 'table' and 'file'")
        return self


#: Scanner models by ``type``.
SCANNER_PARAMS: dict[str, type[ScannerParams]] = {
    "grid": GridParams,
    "spread": SpreadParams,
    "random": RandomParams,
    "tabular": TabularParams,
}

_EXPECTED = {
    "int_type": "an integer", "int_parsing": "an integer", "int_from_float": "an integer",
    "float_type": "a number", "float_parsing": "a number", "finite_number": "a finite number",
    "string_type": "a string", "bool_type": "true or false",
    "list_type": "an array", "tuple_type": "an array",
    "dict_type": "a table", "model_type": "a table", "model_attributes_type": "a table",
}
#: Lists of fixed length, by key: what one item is.
_SHAPES = {"axes": "three numbers [start, stop, step]", "bounds": "two numbers [low, high]"}
_TOML_TYPES = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array",
               dict: "table"}

Model = TypeVar("Model", bound=BaseModel)


def key_path(loc: Sequence[str | int]) -> str:
    """``('scan', 'scanner', 'axes', 0)`` -> ``'scan.scanner.axes[0]'``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class of the table at ``loc`` (to list its keys), if it is one."""
    current: Any = model
    for part in loc:
        fields = getattr(current, "model_fields", None)
        if fields is None or part not in fields:
            return None
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        candidates = [annotation, *args]
        current = next((c for c in candidates
                        if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _value_text(value: Any) -> str:
    text = repr(value)
    if len(text) > 50:
        text = text[:47] + "..."
    kind = _TOML_TYPES.get(type(value))
    return f"{text} ({kind})" if kind else text


def describe_error(error: Mapping[str, Any], model: type[BaseModel],
                   prefix: Sequence[str | int] = ()) -> str:
    """One pydantic error as ``key: problem`` (``scan.naverage = 2.7 (float): expected ...``)."""
    loc = tuple(error.get("loc", ()))
    where = key_path((*prefix, *loc))
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = sorted(parent.model_fields) if parent is not None else []
        parent_key = key_path((*prefix, *loc[:-1]))
        table = f"[{parent_key}]" if parent_key else "the top level"
        hint = f"; allowed keys: {', '.join(allowed)}" if allowed else ""
        return f"unknown key {where!r} in {table}{hint}"
    if kind == "missing":
        return f"{where}: missing (required)"
    given = _value_text(error.get("input"))
    if kind in ("too_short", "too_long") and len(loc) >= 2 and loc[-2] in _SHAPES:
        return f"{where} = {given}: expected {_SHAPES[str(loc[-2])]}"
    if kind in _EXPECTED:
        return f"{where} = {given}: expected {_EXPECTED[kind]}"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ")
    message = message.replace("Input should be", "expected").replace("List should", "must")
    return f"{where} = {given}: {message}"


def validate(model: type[Model], data: Any, source: str,
             prefix: Sequence[str | int] = (),
             error: type[AcquisitionError] = ScanConfigurationError) -> Model:
    """Validate ``data`` against ``model``; errors become one :class:`ScanConfigurationError`.

    Parameters
    ----------
    model : pydantic model class
        The schema.
    data : Any
        What was read (a TOML table).
    source : str
        Where it comes from, named in the message (``"config file 'scan.toml'"``).
    prefix : sequence
        Location of ``data`` in the file (``("scan", "scanner")``), for the key names.
    error : exception class
        Raised with the message (:class:`ScanConfigurationError`, or :class:`ScannerError`
        for a scanner description).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [describe_error(e, model, prefix) for e in exc.errors()]
        raise error(f"{source}: " + "; ".join(problems)) from None


__all__ = [
    "DEFAULT_MAX_POINTS",
    "SCANNER_PARAMS",
    "ConfigFile",
    "GridParams",
    "LogSection",
    "RandomParams",
    "ScanSection",
    "ScannerParams",
    "SpreadParams",
    "TabularParams",
    "describe_error",
    "key_path",
    "validate",
]
