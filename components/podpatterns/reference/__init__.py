"""Everything generated from the settings and the components: `python -m podpatterns.reference`."""
