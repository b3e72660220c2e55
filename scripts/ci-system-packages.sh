#!/usr/bin/env bash
# System packages the tests use: python3-alembic/sqlalchemy (differential Alembic tests), python3-pyflakes
# (the undefined-name differential), postgresql
# (trace --database-url tests), pre-commit (the hook is tested with pre-commit itself), chromium (the
# playground's browser test, driven by playwright-core). Installed only
# when this script may: as root, or with sudo that needs no password; otherwise it says what it skipped.
set -uo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(python3-alembic python3-sqlalchemy python3-pyflakes postgresql pre-commit git chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: ${packages[*]} already installed"
elif ! command -v apt-get >/dev/null; then
  echo "system packages: skipped (no apt-get): ${missing[*]} not installed; the tests that need them will fail" >&2
else
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo_cmd=(sudo -n); else sudo_cmd=(none); fi
  fi
  if [ "${sudo_cmd[0]:-}" = none ]; then
    echo "system packages: skipped (not root, no passwordless sudo): ${missing[*]} not installed; the tests that need them will fail" >&2
  elif ! ("${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null); then
    echo "system packages: apt-get install of ${missing[*]} failed; the tests that need them will fail" >&2
  else
    echo "system packages: installed ${missing[*]}"
  fi
fi
