"""Pre-commit hook: the credentials that the maintained scanners do not look for.

    python -m tools.hooks.check_secrets FILE...

detect-secrets (with `.secrets.baseline`), detect-aws-credentials and detect-private-key
(pre-commit-hooks) scan every file for keys and high-entropy strings. This hook adds what they
miss in dbt's configuration (profiles.yml above all) and other config files (YAML, TOML, INI,
JSON, .env), with file and line:
- a credential setting (password, private_key, private_key_passphrase, token, secret,
  client_secret, api_key, ...) with a literal value, in block style, flow style
  (`{user: a, password: b}`) or one-line JSON (`{"password": "b"}`);
- a dbt `env_var()` call whose default is a literal credential (`env_var('DBT_PASSWORD', 'x')`):
  the default is what a missing variable silently falls back to;
- a connection URL with a password in it (`snowflake://user:<password>@account` with a real
  password in place of the placeholder), in any text file.
Allowed values: empty, null, a dbt `{{ env_var('...') }}` call without a literal default, a
`${VAR}` or GitHub `${{ secrets.X }}` reference, or a `<placeholder>`. A line that really must
stay carries detect-secrets' own marker, `pragma: allowlist secret`, which both honour.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from pathlib import Path

from tools.hooks import run_hook

_KEY = (r"[A-Za-z0-9_.-]*(?:password|passwd|passphrase|private_key|secret|token|api_key|apikey|access_key)"
        r"[A-Za-z0-9_.-]*")
# One `key: value` / `key = value` pair, at the start of a line (block style) or after `{` or `,`
# (flow style, JSON); the value is a quoted string or runs to the next `,`, `}` or the line's end.
_SETTING = re.compile(
    rf"""(?:^\s*(?:-\s*)?|[{{,]\s*)["']?(?P<key>{_KEY})["']?\s*(?:[:=](?!=))\s*"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^']*'|\$?\{\{.*?\}\}|[^,}\n]*)""",
    re.I,
)
_ENV_VAR_DEFAULT = re.compile(
    r"""env_var\(\s*["'](?P<name>[A-Za-z0-9_]*(?:PASSWORD|PASSPHRASE|PRIVATE_KEY|SECRET|TOKEN|API_KEY)[A-Za-z0-9_]*)["']"""
    r"""\s*,\s*(?P<default>"[^"]*"|'[^']*')""",
    re.I,
)
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<password>[^\s@/'\"]+)@", re.I)
_CONFIG_SUFFIXES = {".yml", ".yaml", ".toml", ".ini", ".cfg", ".json", ".env", ".properties", ".conf"}
_ALLOW = "pragma: allowlist secret"
# Keys whose value is a location or a switch, not a secret.
_NOT_SECRET_KEYS = re.compile(r"(_path|_file|_env|_var|_name|_type|_url|_length|_policy|_method)$", re.I)


def _is_reference(value: str) -> bool:
    stripped = value.strip().strip("\"'").strip()
    if stripped in ("", "null", "~", "none", "None", "false", "true"):
        return True
    if "env_var(" in stripped and stripped.startswith("{{") and stripped.endswith("}}"):
        return True  # its default, if any, is judged on its own (_ENV_VAR_DEFAULT)
    if re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", stripped):
        return True
    if re.fullmatch(r"\$\{\{\s*[A-Za-z_][A-Za-z0-9_.]*\s*\}\}", stripped):
        return True  # a GitHub Actions expression: secrets.X, github.token
    if re.fullmatch(r"<[^>]+>", stripped):
        return True
    # A nested mapping or a list starts on the next line (or opens here); an anchor/alias is YAML structure.
    return stripped in ("|", ">", "{", "[", "|-", ">-") or stripped.startswith(("*", "&", "#", "{", "["))


def _is_config_file(path: Path) -> bool:
    return path.suffix.lower() in _CONFIG_SUFFIXES or path.name.startswith(".env")


def _literal_settings(line: str) -> list[str]:
    """The credential keys of a config line that are given a literal value."""
    found = []
    for setting in _SETTING.finditer(line):
        value = setting.group("value")
        if "#" in value and not value.lstrip().startswith(("'", '"')):
            value = value.split("#", 1)[0]  # a trailing YAML comment
        if not _NOT_SECRET_KEYS.search(setting.group("key")) and not _is_reference(value):
            found.append(setting.group("key"))
    return found


def scan_text(text: str, path: Path) -> list[tuple[int, str]]:
    found = []
    config = _is_config_file(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if _ALLOW in line:
            continue
        url = _URL_PASSWORD.search(line)
        if url and not _is_reference(url.group("password")):
            found.append((number, "connection URL with a password in it: read it from an environment variable"))
            continue
        if not config:
            continue
        default = _ENV_VAR_DEFAULT.search(line)
        if default and not _is_reference(default.group("default")):
            found.append((number, f"env_var('{default.group('name')}') falls back to a literal credential: "
                                  "give no default, or an empty one"))
            continue
        keys = _literal_settings(line)
        if keys:
            found.append((number, f"{keys[0]} has a literal value: use \"{{{{ env_var('...') }}}}\""))
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
