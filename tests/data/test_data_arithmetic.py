"""Unit-aware arithmetic, ufuncs, error propagation and reductions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from daqcore.data import (
    Q_,
    Axis,
    DataCalculated,
    DataIndexError,
    DataRaw,
    DataShapeError,
    IncompatibleUnitsError,
    ureg,
)


def _pair(units_a, units_b):
    from pymodaq_data import data as pmd

    values_a, values_b = np.array([1.0, 2.0, 4.0]), np.array([3.0, 0.5, 8.0])
    ours = (DataRaw("a", data=[values_a], units=units_a),
            DataRaw("b", data=[values_b], units=units_b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = (pmd.DataRaw("a", data=[values_a], units=units_a),
                  pmd.DataRaw("b", data=[values_b], units=units_b))
    return ours, theirs


@pytest.mark.parametrize("operation", ["add", "sub", "mul", "truediv"])
@pytest.mark.parametrize(("units_a", "units_b"),
                         [("m", "mm"), ("V", "A"), ("", ""), ("mW", "W"), ("s", "ms")])
def test_binary_operations_match_pymodaq_physically(operation, units_a, units_b):
    (a, b), (pa, pb) = _pair(units_a, units_b)
    function = getattr(np, {"add": "add", "sub": "subtract", "mul": "multiply",
                            "truediv": "true_divide"}[operation])
    same_dimension = ureg.Unit(units_a or "").is_compatible_with(ureg.Unit(units_b or ""))
    if operation in ("add", "sub") and not same_dimension:
        with pytest.raises(IncompatibleUnitsError, match=units_a):
            function(a, b)
        return
    ours = function(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = function(pa, pb)
    ours_q = Q_(ours.data[0], ours.units or "")
    theirs_q = ureg.Quantity(theirs.data[0], str(theirs.units) or "")
    assert ours_q.dimensionality == theirs_q.dimensionality
    np.testing.assert_allclose(ours_q.to_base_units().magnitude,
                               theirs_q.to_base_units().magnitude)


def test_unit_results_follow_pint():
    a = DataRaw("a", data=[np.array([1.0, 2.0])], units="m")
    b = DataRaw("b", data=[np.array([1000.0, 1000.0])], units="mm")
    total = a + b
    assert total.units == "m"
    np.testing.assert_allclose(total.data[0], [2.0, 3.0])
    assert (a * b).units == "mm ** 2"  # PyMoDAQ's rule: pint's product, reduced
    np.testing.assert_allclose((a * b).data[0], [1e6, 2e6])
    assert (a / b).units == "m / mm"  # dimensionless: not reduced
    np.testing.assert_allclose((a / b).data[0], [1e-3, 2e-3])
    assert (a * 2).units == "m" and (2 * a).units == "m" and (1 / a).units == "1 / m"
    assert (a * Q_(2.0, "s")).units == "m * s"
    assert (a + Q_(50.0, "cm")).data[0][0] == pytest.approx(1.5)
    assert np.sqrt(a).units == "m ** 0.5" and (a**2).units == "m ** 2"
    assert (DataRaw("v", data=[np.ones(2)], units="V") / DataRaw("i", data=[np.ones(2)],
                                                                   units="A")).units == "V / A"
    temperature = DataRaw("t", data=[np.array([20.0])], units="degC")
    difference = temperature - DataRaw("t0", data=[np.array([10.0])], units="degC")
    assert difference.units == "Δ°C" and difference.value() == pytest.approx(10.0)
    with pytest.raises(IncompatibleUnitsError, match="degC"):
        temperature + temperature
    with pytest.raises(IncompatibleUnitsError, match="'m'"):
        a + 1
    with pytest.raises(IncompatibleUnitsError):
        a + Q_(1.0, "s")
    with pytest.raises(IncompatibleUnitsError):
        np.exp(a)
    dimensionless = DataRaw("r", data=[np.array([1.0])])
    assert (dimensionless + 1).value() == 2.0
    assert (1 - dimensionless).value() == 0.0


def test_result_metadata():
    a = DataRaw("a", data=[np.arange(3.0)], units="m", origin="det",
                axes=[Axis("x", "s", np.arange(3.0))], labels=["ch"], gain=2)
    result = a * 3
    assert result.name == "a_multiply" and result.origin == "det" and result.labels == ["ch"]
    assert result.source.name == "raw" and type(result) is DataRaw  # as PyMoDAQ
    assert result.axes == a.axes and result.axes[0] is not a.axes[0]
    assert result.gain == 2 and result.extra_attributes == ["gain"]


def test_pymodaq_style_quantity_from_another_registry():
    from pymodaq_data import Q_ as pmd_q

    a = DataRaw("a", data=[np.array([1.0])], units="m")
    assert (a + pmd_q(20.0, "cm")).value() == pytest.approx(1.2)


def test_channels_and_shapes():
    two = DataRaw("t", data=[np.ones(3), 2 * np.ones(3)], labels=["p", "q"])
    one = DataRaw("o", data=[np.arange(3.0)])
    result = one * two
    assert len(result) == 2 and result.labels == ["p", "q"]
    np.testing.assert_allclose(result.data[1], [0.0, 2.0, 4.0])
    three = DataRaw("3", data=[np.ones(3)] * 3)
    with pytest.raises(DataShapeError, match="channels"):
        two + three
    with pytest.raises(DataShapeError, match="broadcast"):
        one + DataRaw("x", data=[np.ones(4)])
    scalar_dwa = DataRaw("s", data=[np.array([10.0])], errors=[np.array([1.0])])
    spread = one * scalar_dwa
    assert spread.shape == (3,)
    np.testing.assert_allclose(spread.errors[0], [0.0, 1.0, 2.0])
    with pytest.raises(DataShapeError, match="not the shape"):
        one + np.ones((2, 3))
    np.testing.assert_allclose((one + np.array([1.0, 1.0, 1.0])).data[0], [1.0, 2.0, 3.0])


def test_error_propagation_formulas():
    a = DataRaw("a", data=[np.array([2.0, 4.0])], errors=[np.array([0.1, 0.2])], units="m")
    b = DataRaw("b", data=[np.array([5.0, 0.5])], errors=[np.array([0.3, 0.05])], units="m")
    sa, sb = a.errors[0], b.errors[0]
    va, vb = a.data[0], b.data[0]
    np.testing.assert_allclose((a + b).errors[0], np.hypot(sa, sb))
    np.testing.assert_allclose((a - b).errors[0], np.hypot(sa, sb))
    np.testing.assert_allclose((a * b).errors[0], np.hypot(vb * sa, va * sb))
    np.testing.assert_allclose((a / b).errors[0], np.abs(va / vb) * np.hypot(sa / va, sb / vb))
    np.testing.assert_allclose((a * -3).errors[0], 3 * sa)
    np.testing.assert_allclose((a / 4).errors[0], sa / 4)
    np.testing.assert_allclose((2 / a).errors[0], 2 * sa / va**2)
    np.testing.assert_allclose((a + Q_(1.0, "m")).errors[0], sa)
    np.testing.assert_allclose((-a).errors[0], sa)
    np.testing.assert_allclose((a**3).errors[0], 3 * va**2 * sa)
    np.testing.assert_allclose(np.sqrt(a).errors[0], sa / (2 * np.sqrt(va)))
    mm = b.units_as("mm")
    np.testing.assert_allclose((a + mm).errors[0], np.hypot(sa, sb))  # converted to m
    np.testing.assert_allclose((mm + a).errors[0], 1000 * np.hypot(sa, sb))
    no_errors = DataRaw("n", data=[np.array([1.0, 1.0])], units="m")
    np.testing.assert_allclose((a * no_errors).errors[0], sa)
    assert (no_errors * no_errors).errors is None
    angle = DataRaw("phi", data=[np.array([30.0])], errors=[np.array([1.0])], units="deg")
    np.testing.assert_allclose(np.sin(angle).errors[0],
                               np.cos(np.radians(30.0)) * np.radians(1.0))
    assert np.sin(angle).units == ""
    assert np.greater(a, b).errors is None


def test_product_error_agrees_with_monte_carlo():
    rng = np.random.default_rng(42)
    a = DataRaw("a", data=[np.array([10.0])], errors=[np.array([0.2])])
    b = DataRaw("b", data=[np.array([3.0])], errors=[np.array([0.05])])
    predicted = (a * b / (b + a)).errors[0][0]
    samples_a = rng.normal(10.0, 0.2, 200_000)
    samples_b = rng.normal(3.0, 0.05, 200_000)
    # (a*b)/(b+a) has correlated operands: propagate step by step like the operators do
    step = (samples_a * samples_b) / (rng.normal(3.0, 0.05, 200_000)
                                      + rng.normal(10.0, 0.2, 200_000))
    assert predicted == pytest.approx(np.std(step), rel=0.03)


def test_reductions_drop_axes_and_propagate_errors(scan_dwa):
    mean = scan_dwa.mean(axis=2)
    assert mean.get_data_dimension() == "(2, 3|)" and [a.label for a in mean.axes] == ["x", "y"]
    np.testing.assert_allclose(mean.data[0], scan_dwa.data[0].mean(axis=2))
    np.testing.assert_allclose(mean.errors[0], np.sqrt(4 * 0.5**2) / 4)
    nav_mean = np.mean(scan_dwa, axis=0)
    assert nav_mean.nav_indexes == (0,) and nav_mean.axes[0].label == "y"
    assert nav_mean.axes[0].index == 0 and nav_mean.axes[1].index == 1
    total = scan_dwa.sum(axis=(0, 1))
    assert total.dim.name == "Data1D" and total.axes[0].label == "wavelength"
    np.testing.assert_allclose(total.errors[1], np.sqrt(6 * 1.0**2))
    everything = np.sum(scan_dwa)
    assert everything.shape == (1,) and everything.dim.name == "Data0D"
    assert everything.value() == scan_dwa.data[0].sum()
    assert everything.units == "V" and everything.source.name == "calculated"
    assert np.std(scan_dwa, axis=2).errors is None
    peak = scan_dwa.max(axis=2)
    np.testing.assert_allclose(peak.data[0], scan_dwa.data[0].max(axis=2))
    assert np.min(scan_dwa).value() == 0.0 and np.amax(scan_dwa).value() == 23.0
    assert scan_dwa.argmax(axis=2).data[0][0, 0] == 3 and scan_dwa.argmax().units == ""


def test_max_error_is_error_of_selected_point():
    dwa = DataRaw("x", data=[np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]])],
                  errors=[np.array([[0.1, 0.5, 0.2], [0.7, 0.3, 0.9]])])
    np.testing.assert_allclose(dwa.max(axis=1).errors[0], [0.5, 0.7])
    np.testing.assert_allclose(dwa.min(axis=0).errors[0], [0.1, 0.3, 0.9])
    np.testing.assert_allclose(dwa.max().errors[0], [0.7])


def test_reductions_match_pymodaq():
    from pymodaq_data import data as pmd

    values = np.arange(12.0).reshape(3, 4)
    ours = DataRaw("d", data=[values], units="V")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = pmd.DataRaw("d", data=[values], units="V")
        for axis in (0, 1):
            np.testing.assert_allclose(ours.mean(axis).data[0], theirs.mean(axis).data[0])
            np.testing.assert_allclose(np.sum(ours, axis=axis).data[0],
                                       np.sum(theirs, axis=axis).data[0])
            assert ours.mean(axis).shape == theirs.mean(axis).shape


def test_other_helpers():
    complex_dwa = DataCalculated("z", data=[np.array([1 + 1j, -1.0])], units="V")
    np.testing.assert_allclose(complex_dwa.real().data[0], [1.0, -1.0])
    np.testing.assert_allclose(np.imag(complex_dwa).data[0], [1.0, 0.0])
    np.testing.assert_allclose(np.angle(complex_dwa).data[0], [np.pi / 4, np.pi])
    assert np.angle(complex_dwa).units == "rad"
    np.testing.assert_allclose(complex_dwa.abs().data[0], [np.sqrt(2), 1.0])
    image = DataRaw("i", data=[np.arange(6.0).reshape(2, 3)],
                    axes=[Axis("y", "", np.array([0.0, 1.0]), index=0),
                          Axis("x", "", np.array([0.0, 1.0, 3.0]), index=1)])
    transposed = np.transpose(image)
    assert transposed.shape == (3, 2) and transposed.get_axis_from_index(0)[0].label == "x"
    flipped = image.fliplr()
    np.testing.assert_array_equal(flipped.data[0][0], [2.0, 1.0, 0.0])
    np.testing.assert_array_equal(flipped.get_axis_from_index(1)[0].data, [3.0, 1.0, 0.0])
    assert np.allclose(image, image.units_as(""))
    decibel = DataRaw("d", data=[np.array([10.0])]).to_dB()
    assert decibel.value() == pytest.approx(20.0)
    with pytest.raises(TypeError):
        np.linalg.norm(image)


def test_quantity_on_the_left_gives_a_dwa():
    from pymodaq_data import Q_ as pmd_q

    a = DataRaw("a", data=[np.array([1.0, 2.0])], units="m", errors=[np.array([0.1, 0.1])])
    product = Q_(2.0, "s") * a
    assert isinstance(product, DataRaw) and product.units == "m * s"
    np.testing.assert_allclose(product.errors[0], [0.2, 0.2])
    total = pmd_q(50.0, "cm") + a
    assert isinstance(total, DataRaw) and total.units == "cm"
    np.testing.assert_allclose(total.data[0], [150.0, 250.0])
    np.testing.assert_allclose((Q_(1.0, "m") - a).data[0], [0.0, -1.0])


def test_augmented_assignment_rebinds_without_writing_into_arrays():
    original = np.array([1.0, 2.0])
    a = DataRaw("a", data=[original], units="m")
    alias = a
    a += DataRaw("b", data=[np.array([1.0, 1.0])], units="m")
    a *= 2
    a -= Q_(1.0, "m")
    a /= 2
    a **= 2
    np.testing.assert_allclose(a.data[0], [2.25, 6.25])
    assert a.units == "m ** 2"
    assert alias is not a and alias.data[0] is original
    np.testing.assert_array_equal(original, [1.0, 2.0])


def test_shape_changing_ufunc_is_refused():
    dwa = DataRaw("a", data=[np.ones((2, 3))])
    with pytest.raises(DataShapeError, match="shape"):
        np.matmul(dwa, np.ones((3, 4)))


def test_ordering_comparisons_return_bool_like_pymodaq():
    from pymodaq_data import data as pmd

    values_a, values_b = np.array([1.0, 2.0]), np.array([1.5, 2.5])
    a = DataRaw("a", data=[values_a], units="m")
    b = DataRaw("b", data=[values_b * 1000], units="mm")
    assert (a < b) is True and (a > b) is False and (a <= b) is True and (a >= b) is False
    assert (a < 3) is True and (a > 1) is False and (a >= 1) is True
    assert a <= Q_(200.0, "cm")
    with pytest.raises(IncompatibleUnitsError):
        a < Q_(1.0, "s")  # noqa: B015
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pa = pmd.DataRaw("a", data=[values_a], units="m")
        pb = pmd.DataRaw("b", data=[values_b], units="m")
        assert (pa < pb) == (a < b) and (pa > pb) == (a > b)
        assert (pa < 3) == (a < 3) and (pa >= 1) == (a >= 1)
    np.testing.assert_array_equal(np.less(a, b).data[0], [True, True])


def test_numpy_reduction_signatures(scan_dwa):
    np.testing.assert_allclose(np.mean(scan_dwa, 2).data[0], scan_dwa.data[0].mean(axis=2))
    np.testing.assert_allclose(np.std(scan_dwa, axis=2, ddof=1).data[0],
                               scan_dwa.data[0].std(axis=2, ddof=1))
    assert np.sum(scan_dwa, axis=(0, 2), keepdims=False).shape == (3,)
    with pytest.raises(DataShapeError, match="keepdims"):
        np.mean(scan_dwa, axis=0, keepdims=True)
    with pytest.raises(DataIndexError, match="axis 5"):
        scan_dwa.mean(axis=5)
