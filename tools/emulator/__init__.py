"""A local Snowflake for CI: fakesnow's HTTP server, with the adjustments the project needs.

See docs/ci.md. `python -m tools.emulator serve` runs the server, `python -m tools.emulator build`
the CI run on it (scripts/emulator_ci.sh, `make emulator-ci`); `Emulator` starts and stops the
server from Python (the tests, the build).
"""
