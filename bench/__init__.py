"""The benchmark (not a test): the ambassador's data path against peers and in front of
the real Elasticsearch, the sidecars' footprint, program speed.

Run it with `bench/run` (see `bench/run --help`); results in docs/performance.md.
"""
