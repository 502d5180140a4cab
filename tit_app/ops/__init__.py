"""TI computations on a spherical head model (numpy, Qt-free)."""
