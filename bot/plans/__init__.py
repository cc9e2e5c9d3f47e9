"""Plans: the YAML format, loading and validation, and sync into the database."""
