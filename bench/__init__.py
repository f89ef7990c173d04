"""The benchmark (not a test): the ambassador's data path against peers, the sidecars' footprint, program speed.

Run it with `bench/run` (see `bench/run --help`); results in docs/performance.md.
"""
