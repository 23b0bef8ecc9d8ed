"""Small pre-commit hooks of our own (`language: system`, run from the project's venv)."""
