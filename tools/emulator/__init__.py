"""A local Snowflake for CI: fakesnow's HTTP server, with the adjustments the project needs.

See docs/ci.md. `python -m tools.emulator serve` runs the server; `Emulator` starts and stops it
from Python (tests, scripts/emulator_build.sh).
"""
