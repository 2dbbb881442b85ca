"""The ``statmech`` command line and the report, on top of :mod:`derive` and :mod:`numeric`."""
