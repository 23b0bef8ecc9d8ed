"""The raw-data generator and sync (tools/rawgen/), and the preflight of the local warehouse."""
