"""Report sections, one module each (discovered by :mod:`statmech.report`)."""
