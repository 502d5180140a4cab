"""The four-shell sphere: the homogeneous limit, convergence, and the physics
checked numerically (interface conditions, the insulated scalp, the current
through a plane between the electrodes)."""

import numpy as np
import pytest

from tit_app.ops import Head, ParamError, electrodes, shells
from tit_app.ops.field import pair_field
from tit_app.ops.head_model import unit_fields

HEAD = Head().validated()


def _random_points(count, seed, max_radius):
    rng = np.random.default_rng(seed)
    direction = rng.normal(size=(count, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return direction * max_radius * np.cbrt(rng.uniform(size=(count, 1)))


def _pair(head, anode, cathode, points):
    fields = unit_fields(head, [electrodes.position_mm(anode, head.radius_mm),
                                electrodes.position_mm(cathode, head.radius_mm)], points)
    return fields[:, 0] - fields[:, 1]


def test_equal_conductivities_give_the_homogeneous_closed_form():
    head = Head(shell_conductivities_s_per_m=(0.33,) * 4).validated()
    points = _random_points(400, 1, 91.9)
    expected = pair_field(electrodes.position_mm("F7", 92.0), electrodes.position_mm("P8", 92.0),
                          1.0, points, 92.0, 0.33)
    got = _pair(head, "F7", "P8", points)
    relative = np.linalg.norm(got - expected, axis=1) / np.linalg.norm(expected, axis=1)
    assert np.max(relative) <= 1e-6


def test_the_series_converges_with_the_number_of_terms(monkeypatch):
    points = _random_points(300, 2, 91.5)
    reference = _pair(HEAD, "C3", "O2", points)      # to TAIL_BOUND
    scale = np.linalg.norm(reference, axis=1)
    errors = []
    for degrees in (10, 40, 160):
        monkeypatch.setattr(shells, "degrees_needed",
                            lambda rho, layer, coefficients, d=degrees: np.full(len(rho), d))
        errors.append(np.max(np.linalg.norm(_pair(HEAD, "C3", "O2", points) - reference, axis=1)
                             / scale))
    monkeypatch.undo()
    monkeypatch.setattr(shells, "TAIL_BOUND", 1e-14)
    converged = np.max(np.linalg.norm(_pair(HEAD, "C3", "O2", points) - reference, axis=1) / scale)
    assert errors[0] > errors[1] > errors[2]
    assert converged <= 1e-6


def _crossings(a, b, radii):
    """Where the segment a -> b crosses the spheres, as fractions of its length."""
    d = b - a
    cuts = [0.0, 1.0]
    for radius in radii:
        qa, qb, qc = d @ d, 2 * a @ d, a @ a - radius**2
        disc = qb * qb - 4 * qa * qc
        if disc > 0:
            cuts += [t for t in ((-qb - np.sqrt(disc)) / (2 * qa), (-qb + np.sqrt(disc)) / (2 * qa))
                     if 0.0 < t < 1.0]
    return sorted(cuts)


def _potential_difference(head, anode, cathode, a, b):
    """V(a) - V(b): E integrated along the segment, by Gauss-Legendre between the
    interfaces (E jumps there), in V for E in V/m and mm."""
    nodes, weights = np.polynomial.legendre.leggauss(60)
    cuts = _crossings(a, b, head.shell_radii_mm()[:-1])
    total = 0.0
    for start, stop in zip(cuts, cuts[1:]):
        t = start + (nodes + 1) / 2 * (stop - start)
        field = _pair(head, anode, cathode, a + t[:, None] * (b - a))
        total += np.sum(weights * (field @ (b - a))) * (stop - start) / 2
    return float(total * 1e-3)


@pytest.mark.parametrize("interface", [0, 1, 2])
def test_normal_current_and_tangential_field_are_continuous_at_each_interface(interface):
    radius = HEAD.shell_radii_mm()[interface]
    sigma = HEAD.shell_conductivities_s_per_m
    normals = _random_points(60, 3 + interface, 1.0)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    gap = 1e-7
    below = _pair(HEAD, "T7", "Fz", normals * (radius - gap))
    above = _pair(HEAD, "T7", "Fz", normals * (radius + gap))
    scale = np.max(np.linalg.norm(below, axis=1))
    normal_below = sigma[interface] * np.einsum("ij,ij->i", below, normals)
    normal_above = sigma[interface + 1] * np.einsum("ij,ij->i", above, normals)
    np.testing.assert_allclose(normal_below, normal_above, atol=1e-5 * sigma[interface] * scale)
    tangential_jump = (below - above) - np.einsum("ij,ij->i", below - above, normals)[:, None] * normals
    assert np.max(np.linalg.norm(tangential_jump, axis=1)) <= 1e-5 * scale
    # Where the conductivities differ, the normal field itself jumps.
    assert np.max(np.abs(np.einsum("ij,ij->i", below - above, normals))) > 1e-3 * scale


def test_the_field_has_no_curl_across_the_layers():
    """The potential is single-valued: E integrates to zero around a closed loop."""
    corners = np.array([[0.0, 0.0, 0.0], [0.0, 89.0, 10.0], [30.0, 20.0, 80.0], [0.0, 0.0, 0.0]])
    loop = sum(_potential_difference(HEAD, "C4", "P7", a, b) for a, b in zip(corners, corners[1:]))
    leg = abs(_potential_difference(HEAD, "C4", "P7", corners[0], corners[1]))
    assert abs(loop) <= 1e-5 * leg


def test_no_current_leaves_through_the_scalp_away_from_electrodes():
    normals = _random_points(300, 5, 1.0)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    anode, cathode = (electrodes.position_mm(n, 92.0) for n in ("T7", "Fz"))
    away = np.all([np.linalg.norm(normals * 92.0 - e, axis=1) > 20.0 for e in (anode, cathode)],
                  axis=0)
    field = _pair(HEAD, "T7", "Fz", normals[away] * (92.0 - 1e-7))
    normal_part = np.einsum("ij,ij->i", field, normals[away])
    assert np.max(np.abs(normal_part)) < 1e-6 * np.max(np.linalg.norm(field, axis=1))


def test_all_the_current_crosses_the_plane_between_opposite_electrodes():
    """1 mA from T7 (-x) to T8 (+x): the flux of sigma E_x through x = 0 is 1 mA."""
    nodes, weights = np.polynomial.legendre.leggauss(40)
    edges = (0.0,) + HEAD.shell_radii_mm()
    flux = 0.0
    angles = np.arange(24) * (2 * np.pi / 24)
    for inner, outer, sigma in zip(edges, edges[1:], HEAD.shell_conductivities_s_per_m):
        r = inner + (nodes + 1) / 2 * (outer - inner)
        rr, aa = np.meshgrid(r, angles, indexing="ij")
        points = np.stack([np.zeros(rr.size), (rr * np.cos(aa)).ravel(), (rr * np.sin(aa)).ravel()],
                          axis=-1)
        e_x = _pair(HEAD, "T8", "T7", points)[:, 0].reshape(rr.shape)
        ring = (e_x * rr).sum(axis=1) * (2 * np.pi / 24)
        flux += sigma * np.sum(weights * ring) * (outer - inner) / 2
    # V/m * mm^2 * S/m -> A: 1e-6; the field of T8 -> T7 points along -x.
    assert -flux * 1e-6 == pytest.approx(1e-3, rel=1e-4)


def test_the_skull_lowers_the_field_in_the_brain():
    centre = np.zeros((1, 3))
    shell = np.linalg.norm(_pair(HEAD, "T7", "T8", centre))
    homogeneous = np.linalg.norm(_pair(Head(model="homogeneous"), "T7", "T8", centre))
    assert shell < homogeneous


@pytest.mark.parametrize("head, field", [
    (Head(model="layered"), "head.model"),
    (Head(shell_conductivities_s_per_m=(0.3, 1.5, 0.0)), "head.shell_conductivities_s_per_m"),
    (Head(shell_conductivities_s_per_m=(0.3, 1.5, -1.0, 0.3)),
     "head.shell_conductivities_s_per_m[2]"),
    (Head(shell_thicknesses_mm=(1.0, 50.0, 50.0)), "head.shell_thicknesses_mm"),
])
def test_bad_head_models_are_named(head, field):
    with pytest.raises(ParamError) as error:
        head.validated()
    assert error.value.field == field


def test_a_small_homogeneous_head_ignores_the_shell_thicknesses():
    assert Head(radius_mm=10.0, model="homogeneous").validated().radius_mm == 10.0
