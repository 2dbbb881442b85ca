"""One module per verb of the ``statmech`` command (discovered by :mod:`statmech.cli`)."""
