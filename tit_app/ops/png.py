"""A minimal PNG encoder (8-bit RGB, no interlace) using only zlib and struct."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_RGB_COLOUR_TYPE = 2


def _chunk(kind: bytes, data: bytes) -> bytes:
    """Length, type, data and the CRC of type + data, as the format wants."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an (height, width, 3) uint8 image."""
    image = np.asarray(rgb)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("rgb: expected a (height, width, 3) uint8 array, got "
                         f"shape {image.shape} and dtype {image.dtype}")
    height, width, _ = image.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _RGB_COLOUR_TYPE,
                         0, 0, 0)
    # Every scanline starts with its filter type; 0 means "None".
    rows = np.concatenate([np.zeros((height, 1), dtype=np.uint8),
                           image.reshape(height, width * 3)], axis=1)
    return (SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
            + _chunk(b"IEND", b""))


def write_png(path, rgb: np.ndarray) -> Path:
    target = Path(path)
    target.write_bytes(encode_png(rgb))
    return target
