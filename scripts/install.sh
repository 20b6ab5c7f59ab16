#!/usr/bin/env bash
# Installs what patchbay needs on a fresh machine: npm packages (with the pinned Node 24),
# nats-server, the Python tools the quality checks use (coverage, pyflakes, bandit, flake8,
# pytest) and chromium (the browser tests drive it with playwright-core), through apt when
# root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v python3-coverage >/dev/null 2>&1 || [ -x /usr/bin/python3-coverage ] || missing+=(python3-coverage)
python3 -c 'import pyflakes' >/dev/null 2>&1 || [ -x /usr/bin/pyflakes3 ] || missing+=(python3-pyflakes)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v bandit >/dev/null 2>&1 || [ -x /usr/bin/bandit ] || missing+=(python3-bandit)
# Debian's python3 with flake8, pytest, venv and pip: the Python checks' tools, and the real
# packages (simplejson, six) the Python tests run the gate on.
for pkg in flake8 python3-pytest python3-venv python3-pip python3-simplejson python3-six; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
# Debian's chromium for the browser tests (test/helpers/browser.ts), unless PATCHBAY_CHROMIUM names one.
[ -n "${PATCHBAY_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing with apt: ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  elif [[ " ${missing[*]} " == *" nats-server "* ]]; then
    echo "nats-server is missing: install it (sudo apt-get install nats-server, or a release binary from the NATS project on your PATH), or point NATS_URL at a running server" >&2
    exit 1
  else
    tools=()
    for pkg in "${missing[@]}"; do [ "$pkg" = chromium ] || tools+=("$pkg"); done
    if [ ${#tools[@]} -lt ${#missing[@]} ]; then
      echo "chromium is missing: the browser tests need it (sudo apt-get install chromium, or set PATCHBAY_CHROMIUM to a Chromium binary)" >&2
    fi
    if [ ${#tools[@]} -gt 0 ]; then
      echo "optional tools missing (some quality checks will say they could not run): ${tools[*]}" >&2
    fi
  fi
fi

# The corpus and real-code tests fetch pinned Debian packages with `apt-get download`, which
# needs the package lists.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
  apt-get update -qq
fi
