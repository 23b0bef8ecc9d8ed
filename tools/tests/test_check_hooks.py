"""The local pre-commit hooks: YAML syntax and the credentials guard."""

from __future__ import annotations

from pathlib import Path

from tools.hooks import check_secrets, check_yaml

# Built from pieces so this file itself passes the guards it tests.
PEM_HEADER = "-----BEGIN " + "RSA PRIVATE KEY-----"
PASSWORD = "pass" + "word"


def test_yaml_ok_and_broken(tmp_path: Path) -> None:
    good = tmp_path / "good.yml"
    good.write_text("models:\n  - name: a\n    description: \"{{ doc('a') }}\"\n", encoding="utf-8")
    bad = tmp_path / "bad.yml"
    bad.write_text("models:\n  - name: a\n   description: oops\n", encoding="utf-8")
    dup = tmp_path / "dup.yml"
    dup.write_text("version: 2\nversion: 2\n", encoding="utf-8")
    assert check_yaml.main([str(good)]) == 0
    problems = check_yaml.check_files([str(bad), str(dup)])
    assert problems[0].startswith(f"{bad}:3: invalid YAML")
    assert problems[1] == f"{dup}:2: duplicate key 'version' (dbt rejects repeated keys)"
    assert check_yaml.main([str(bad)]) == 1


def test_profile_secrets(tmp_path: Path) -> None:
    profile = tmp_path / "profiles.yml"
    profile.write_text(
        "p:\n  outputs:\n    dev:\n"
        f"      {PASSWORD}: \"{{{{ env_var('DBT_PASSWORD') }}}}\"\n"
        "      private_key_path: /secrets/rsa_key.p8\n"
        "      private_key_passphrase: \"{{ env_var('PASSPHRASE', '') }}\"\n"
        "      token: ''\n"
        "    prod:\n"
        f"      {PASSWORD}: hunter2\n"
        "      private_key_passphrase: 'correct horse'\n",
        encoding="utf-8",
    )
    problems = check_secrets.check_files([str(profile)])
    assert [p.split(":")[1] for p in problems] == ["9", "10"]
    assert f"{PASSWORD} has a literal value" in problems[0]
    assert check_secrets.main([str(profile)]) == 1


def test_private_keys_and_urls_anywhere(tmp_path: Path) -> None:
    key = tmp_path / "notes.md"
    key.write_text(f"see below\n{PEM_HEADER}\nMIIE...\n", encoding="utf-8")
    url = tmp_path / "load.py"
    url.write_text("ENGINE = 'snowflake://loader:" + "s3cret@acme/raw'\n"
                   "OK = 'snowflake://loader@acme/raw'\n"
                   f"{PASSWORD} = os.environ['X']  # python is not a config file\n", encoding="utf-8")
    allowed = tmp_path / "fixture.yml"
    allowed.write_text(f"{PASSWORD}: example  # check-secrets: allow\n", encoding="utf-8")
    problems = check_secrets.check_files([str(key), str(url), str(allowed)])
    assert problems == [
        f"{key}:2: private key block: keep keys out of git (use a secrets manager or env var)",
        f"{url}:1: connection URL with a password in it: read it from an environment variable",
    ]


def test_repository_profile_is_clean() -> None:
    root = Path(__file__).resolve().parents[2]
    assert check_secrets.check_files([str(root / "profiles.yml")]) == []
