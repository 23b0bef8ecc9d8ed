"""The Snowflake path offline: platform SQL, access, the recorded dry run and the emulator."""
