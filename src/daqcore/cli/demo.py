"""``daqcore demo``: a short tour of the data model on a simulated 2D Gaussian spot.

This is a placeholder tour of :mod:`daqcore.data`; the full scan demo (simulated instruments,
HDF5 saving) will replace the body of :func:`run_demo`.
"""

from __future__ import annotations

import click
import numpy as np


def build_spot_dte(seed: int = 0):
    """A DataToExport 'camera' with a 2D Gaussian spot, its x profile (1D) and its total (0D).

    Pixel noise of 2 counts is stored as the errors of the image.
    """
    from daqcore.data import Axis, DataFromPlugins, DataToExport

    rng = np.random.default_rng(seed)
    x = np.linspace(-2.0, 2.0, 41)
    y = np.linspace(-1.5, 1.5, 31)
    xx, yy = np.meshgrid(x, y)
    spot = 100.0 * np.exp(-((xx - 0.3) ** 2 + (yy + 0.2) ** 2) / (2 * 0.4**2))
    noise = 2.0
    image = spot + rng.normal(0.0, noise, spot.shape)
    axes = [Axis("y", "mm", y, index=0), Axis("x", "mm", x, index=1)]
    image_dwa = DataFromPlugins("spot", data=[image], units="count", axes=axes,
                                errors=[np.full(image.shape, noise)], labels=["camera"])
    profile = DataFromPlugins("profile_x", data=[image.sum(axis=0)], units="count",
                              axes=[Axis("x", "mm", x, index=0)],
                              errors=[np.full(x.size, noise * np.sqrt(y.size))])
    total = DataFromPlugins("total", data=[np.array([image.sum()])], units="count")
    return DataToExport("camera", data=[image_dwa, profile, total])


def run_demo(echo=click.echo) -> dict:
    """Run the tour, print each step with ``echo`` and return the key numbers."""
    dte = build_spot_dte()
    echo(f"Built {dte.name!r} with {len(dte)} data: {', '.join(dte.get_full_names())}")
    for dwa in dte:
        echo(f"  {dwa.full_name:18s} {dwa.dim.name}  shape {dwa.get_data_dimension():10s} "
             f"units {dwa.units!r}")
    image = dte.get_data_from_full_name("camera/spot")
    converted = image.get_axis_from_index(1)[0].units_as("um")
    echo(f"x axis converted: {image.get_axis_from_index(1)[0].max():g} mm = "
         f"{converted.max():g} {converted.units}")
    row_mean = image.mean(axis=1)
    echo(f"mean over x -> {row_mean.get_data_dimension()} along "
         f"{row_mean.axes[0].label!r}; error of each point {row_mean.errors[0][0]:.3f} "
         f"count (2 / sqrt(41) = {2 / np.sqrt(41):.3f})")
    peak_row = image.vsig[-0.2, :]
    echo(f"slice at y = -0.2 mm: {peak_row.get_data_dimension()} "
         f"max {peak_row.max().value():.1f} count")
    window = image.vsig[-0.5:0.5, -0.5:1.0]
    echo(f"window y∈[-0.5, 0.5] mm, x∈[-0.5, 1.0] mm: {window.get_data_dimension()}")
    total = dte.get_data_from_name("total")
    in_kilo = total.units_as("kcount")
    echo(f"total counts: {total.value():.0f} {total.units} = {in_kilo.value():.3f} "
         f"{in_kilo.units}")
    background = image.isig[:5, :5].mean()
    corrected = image - background
    echo(f"background from a 5x5 corner: {background.value():.2f} ± "
         f"{background.errors[0][0]:.2f} count; subtracted image errors "
         f"{corrected.errors[0].flat[0]:.3f} count (propagated in quadrature)")
    return {"total": total.value(), "total_kcount": in_kilo.value(),
            "row_mean_error": float(row_mean.errors[0][0]), "window_shape": window.shape,
            "background_error": float(background.errors[0][0])}


@click.command()
def demo() -> None:
    """Tour of the data model on a simulated 2D Gaussian spot."""
    run_demo()
