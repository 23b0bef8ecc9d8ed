"""FieldForce analytics tools: raw-data generation, source scaffolding and project checks."""
