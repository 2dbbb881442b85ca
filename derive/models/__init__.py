"""Model definitions, one module per model family (discovered by the registry)."""
