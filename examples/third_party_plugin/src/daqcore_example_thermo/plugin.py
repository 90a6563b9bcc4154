"""Hook implementations (entry point ``thermo`` in the ``daqcore`` group)."""

from daqcore.plugins import CommandRecord, InstrumentRecord, ReaderRecord, hookimpl
from daqcore_example_thermo.instruments import Heater, Thermometer


@hookimpl
def daqcore_register_instruments(register):
    register(InstrumentRecord("thermo_sensor", Thermometer, description="oven thermometer"))
    register(InstrumentRecord("thermo_heater", Heater, description="oven heater power"))


@hookimpl
def daqcore_register_commands(register):
    # an import string: the command module is imported only when the command is used
    register(CommandRecord("thermo-read", "daqcore_example_thermo.cli:thermo_read"))


@hookimpl
def daqcore_register_readers(register):
    register(ReaderRecord("thermo_csv", (".tcsv",), factory="daqcore_example_thermo.tcsv:read_tcsv",
                          description="temperature logs"))
