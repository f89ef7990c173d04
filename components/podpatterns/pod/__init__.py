"""The pod model: contributions, their merge and checks, the builder that composes a workload's pod.

Pure data and functions below the patterns: nothing here knows a pattern (layers.py).
"""
