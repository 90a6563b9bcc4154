"""A 2D scan of the simulated stage with two detectors, plotted from the saved file."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from daqcore.acquisition import Scan, Scanner2DGrid, open_instruments

with open_instruments(["mock_x", "mock_y"], ["mock_0d", "mock_1d"]) as (stage, detectors):
    grid = Scanner2DGrid((-2, 2, 0.2), (-1.5, 1.5, 0.2), snake=True)
    result = Scan(stage, detectors, grid, path="daqcore_data", title="spot map").run()

spot = result.load("mock_0d")[0]          # reloaded from the file, with its nav axes
x, y = spot.get_nav_axes()
plt.pcolormesh(x.get_data(), y.get_data(), spot.data[0].T, shading="nearest")
plt.xlabel(f"{x.label} ({x.units})"), plt.ylabel(f"{y.label} ({y.units})")
plt.colorbar(label=f"{spot.labels[0]} ({spot.units})")
plt.savefig("scan_2d.png", dpi=100)
print(f"{result.summary()}\nimage: scan_2d.png")
