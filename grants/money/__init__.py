"""Money in depth: budget lines and spend by line, variations, payment runs for the finance system and
financial years. Its models belong to the grants app (grants/models/__init__.py imports them)."""
