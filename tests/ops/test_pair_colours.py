"""The electrode pairs' colours stay distinct for people with red-green colour blindness.

Each colour is passed through the Machado, Oliveira and Fernandes (2009) simulation of
full deuteranopia and protanopia (linear RGB), and every two must still differ by a
CIELAB distance a viewer notices at a glance.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from tit_app.ops.map_style import PAIR_COLOURS

SIMULATIONS = {
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 1.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "normal vision": np.eye(3),
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])
NOTICEABLE_AT_A_GLANCE = 20.0  # CIELAB ΔE*ab; 2.3 is the just-noticeable difference


def linear(rgb) -> np.ndarray:
    c = np.asarray(rgb, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def cielab(linear_rgb: np.ndarray) -> np.ndarray:
    t = SRGB_TO_XYZ @ np.clip(linear_rgb, 0.0, 1.0) / D65_WHITE
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest_pairs(palette, simulation: np.ndarray) -> tuple[float, tuple[int, int]]:
    seen = [cielab(simulation @ linear(colour)) for colour in palette]
    return min((float(np.linalg.norm(seen[i] - seen[j])), (i + 1, j + 1))
               for i, j in combinations(range(len(seen)), 2))


@pytest.mark.parametrize("vision", sorted(SIMULATIONS))
def test_every_two_pair_colours_differ_under(vision):
    distance, pairs = closest_pairs(PAIR_COLOURS, SIMULATIONS[vision])
    assert distance >= NOTICEABLE_AT_A_GLANCE, f"pairs {pairs} look alike under {vision} (ΔE {distance:.1f})"


def test_the_check_catches_the_old_red_blue_orange_magenta_palette():
    old = ((255, 85, 85), (90, 170, 255), (255, 170, 40), (230, 90, 230))
    distance, pairs = closest_pairs(old, SIMULATIONS["deuteranopia"])
    assert pairs == (2, 4) and distance < 6
