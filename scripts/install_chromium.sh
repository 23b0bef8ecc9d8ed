#!/usr/bin/env bash
# Debian's chromium, which the dashboard preview's browser test, its screenshots and the diagrams
# drive (Playwright; its own browser download is from Google's servers, Debian's package comes from
# the apt mirrors). Installed once.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: chromium is not installed and this is not a Debian-like system (no apt-get): install chromium, on PATH as chromium" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "error: chromium is not installed, and this user can neither apt-get nor sudo: install Debian's package chromium" >&2
    exit 1
fi
echo "[browser] installing Debian's chromium (apt-get, about a minute the first time)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
chromium --version
