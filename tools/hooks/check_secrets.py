"""Pre-commit hook: no credentials in committed files.

    python -m tools.hooks.check_secrets FILE...

Flags, with file and line:
- a private key block (PEM/OpenSSH), in any text file;
- a credential setting (password, private_key, private_key_passphrase, token, secret,
  client_secret, api_key, ...) with a literal value in YAML, TOML, INI, JSON or .env files,
  profiles.yml above all. Allowed values: empty, null, a dbt `{{ env_var('...') }}` call,
  a `${VAR}` reference, or a `<placeholder>`;
- a connection URL with a password in it (`snowflake://user:<password>@account` with a real
  password in place of the placeholder), in any text file.
A line that really must stay can carry the marker `check-secrets: allow`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Sequence

from tools.hooks import run_hook

_PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----")
_SETTING = re.compile(
    r"""^\s*(?:-\s*)?["']?(?P<key>[A-Za-z0-9_.-]*(?:password|passwd|passphrase|private_key|secret|token|api_key|apikey|access_key)[A-Za-z0-9_.-]*)["']?\s*[:=]\s*(?P<value>.*?)\s*,?\s*$""",
    re.I,
)
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<password>[^\s@/'\"]+)@", re.I)
_CONFIG_SUFFIXES = {".yml", ".yaml", ".toml", ".ini", ".cfg", ".json", ".env", ".properties", ".conf"}
_ALLOW = "check-secrets: allow"
# Keys whose value is a location or a switch, not a secret.
_NOT_SECRET_KEYS = re.compile(r"(_path|_file|_env|_var|_name|_type|_url|_length|_policy|_method)$", re.I)


def _is_reference(value: str) -> bool:
    stripped = value.strip().strip("\"'").strip()
    if stripped in ("", "null", "~", "none", "None", "false", "true"):
        return True
    if "env_var(" in stripped and stripped.startswith("{{") and stripped.endswith("}}"):
        return True
    if re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", stripped):
        return True
    if re.fullmatch(r"<[^>]+>", stripped):
        return True
    # A nested mapping or a list starts on the next line; an anchor/alias is YAML structure.
    return stripped in ("|", ">", "{", "[") or stripped.startswith(("*", "&", "#"))


def _is_config_file(path: Path) -> bool:
    return path.suffix.lower() in _CONFIG_SUFFIXES or path.name.startswith(".env")


def scan_text(text: str, path: Path) -> list[tuple[int, str]]:
    found = []
    config = _is_config_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if _ALLOW in line:
            continue
        if _PRIVATE_KEY.search(line):
            found.append((number, "private key block: keep keys out of git (use a secrets manager or env var)"))
            continue
        url = _URL_PASSWORD.search(line)
        if url and not _is_reference(url.group("password")):
            found.append((number, "connection URL with a password in it: read it from an environment variable"))
            continue
        if not config:
            continue
        setting = _SETTING.match(line)
        if setting and not _NOT_SECRET_KEYS.search(setting.group("key")) and not _is_reference(setting.group("value")):
            found.append((number, f"{setting.group('key')} has a literal value: use \"{{{{ env_var('...') }}}}\""))
    return found


def check_files(paths: Sequence[str]) -> list[str]:
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # binary or unreadable: not ours to judge
        problems.extend(f"{name}:{line}: {message}" for line, message in scan_text(text, path))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    return run_hook(check_files, argv)


if __name__ == "__main__":
    sys.exit(main())
