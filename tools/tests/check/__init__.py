"""tools check (tools/check/) and the commit hooks."""
