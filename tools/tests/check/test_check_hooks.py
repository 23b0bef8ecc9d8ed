"""The local pre-commit hooks: YAML syntax and the credentials guard."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.hooks import check_secrets, check_yaml
from tools.tests.conftest import PROJECT_ROOT

# Built from pieces so this file itself passes the guards it tests.
PEM_HEADER = "-----BEGIN " + "RSA PRIVATE KEY-----"
PASSWORD = "pass" + "word"  # pragma: allowlist secret


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
        "      private_key_passphrase: 'correct horse'\n",  # pragma: allowlist secret
        encoding="utf-8",
    )
    problems = check_secrets.check_files([str(profile)])
    assert [p.split(":")[1] for p in problems] == ["9", "10"]
    assert f"{PASSWORD} has a literal value" in problems[0]
    assert check_secrets.main([str(profile)]) == 1


def test_urls_with_passwords_anywhere(tmp_path: Path) -> None:
    url = tmp_path / "load.py"
    url.write_text("ENGINE = 'snowflake://loader:" + "s3cret@acme/raw'\n"
                   "OK = 'snowflake://loader@acme/raw'\n"
                   f"{PASSWORD} = os.environ['X']  # python is not a config file\n", encoding="utf-8")
    allowed = tmp_path / "fixture.yml"
    allowed.write_text(f"{PASSWORD}: example  # pragma: allowlist secret\n", encoding="utf-8")
    problems = check_secrets.check_files([str(url), str(allowed)])
    assert problems == [
        f"{url}:1: connection URL with a password in it: read it from an environment variable",
    ]


def test_repository_profile_is_clean() -> None:
    root = PROJECT_ROOT
    assert check_secrets.check_files([str(root / "profiles.yml")]) == []


# An AWS key pair as AWS documents its example, built from pieces.
AWS_KEY_ID = "AKIA" + "IOSFODNN7EXAMPLE"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"  # pragma: allowlist secret
PLANTED = {
    "load.py": f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"\nAWS_SECRET_ACCESS_KEY = "{AWS_SECRET}"\n',
    "deploy.sh": f"export AWS_ACCESS_KEY_ID={AWS_KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n",
    "credentials.ini": f"[default]\naws_access_key_id = {AWS_KEY_ID}\naws_secret_access_key = {AWS_SECRET}\n",
    "s3.yml": f"s3:\n  access_key_id: {AWS_KEY_ID}\n  secret_access_key: {AWS_SECRET}\n",
    "profiles.yml": f"p:\n  outputs:\n    prod:\n      {PASSWORD}: \"{{{{ env_var('DBT_PASSWORD', 'Tr0ub4dor') }}}}\"\n",
    "flow.yml": f"outputs: {{prod: {{user: loader, {PASSWORD}: Tr0ub4dor}}}}\n",
    "one_line.json": f'{{"user": "loader", "{PASSWORD}": "Tr0ub4dor"}}\n',
    "notes.md": f"{PEM_HEADER}\nMIIEowIBAAKCAQEA\n",
}


def _pre_commit(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(Path(sys.executable).with_name("pre-commit")), "run", "--files", *files],
                          cwd=repo, env=env, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repository with the project's hooks, their baseline and nothing else."""
    repo = tmp_path_factory.mktemp("hooks")
    for name in (".pre-commit-config.yaml", ".secrets.baseline", ".sqlfluff"):
        shutil.copy(PROJECT_ROOT / name, repo / name)
    shutil.copytree(PROJECT_ROOT / "lint", repo / "lint")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    return repo


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_the_commit_hooks_refuse_each_planted_secret(hook_repo: Path, name: str) -> None:
    (hook_repo / name).write_text(PLANTED[name], encoding="utf-8")
    subprocess.run(["git", "add", name], cwd=hook_repo, check=True)
    try:
        result = _pre_commit(hook_repo, name)
    finally:
        subprocess.run(["git", "rm", "-q", "--cached", name], cwd=hook_repo, check=True)
        (hook_repo / name).unlink()
    assert result.returncode == 1, result.stdout
    failed = [line.split(".")[0] for line in result.stdout.splitlines() if line.endswith("Failed")]
    assert failed and all(hook.startswith(("detect secrets", "detect private key", "no literal credentials"))
                          for hook in failed), result.stdout


def test_the_commit_hooks_pass_references_and_placeholders(hook_repo: Path) -> None:
    clean = {
        "profiles.yml": f"p:\n  outputs:\n    prod:\n      {PASSWORD}: \"{{{{ env_var('DBT_PASSWORD') }}}}\"\n"
                        "      private_key_passphrase: \"{{ env_var('DBT_PASSPHRASE', '') }}\"\n",
        "ci.yml": "env:\n  TOKEN: ${{ secrets.SNOWFLAKE_TOKEN }}\n",
        "example.json": f'{{"user": "loader", "{PASSWORD}": "<your password>"}}\n',
    }
    for name, text in clean.items():
        (hook_repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "add", *clean], cwd=hook_repo, check=True)
    result = _pre_commit(hook_repo, *clean)
    assert result.returncode == 0, result.stdout
