#!/usr/bin/env bash
# Install what blueprint needs on Debian/Ubuntu (Graphviz, fonts, WeasyPrint's libraries, poppler), then the project in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# gcc and libyaml-dev build the loader's C composer (blueprint/_compose.c); without them it composes in Python, slower
packages=(graphviz fonts-noto-cjk fonts-dejavu-core fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 poppler-utils gcc libc6-dev libyaml-dev)
# the browser test of `blueprint serve` drives Debian's chromium through Playwright (never Playwright's own download)
packages+=(chromium)
command -v npm >/dev/null || packages+=(nodejs npm)    # Node runs Mermaid's own parser in the export tests
python3 -c "import ensurepip, venv" 2>/dev/null || packages+=(python3-venv)
python3 -c "import os, sysconfig; assert os.path.exists(sysconfig.get_paths()['include'] + '/Python.h')" \
  2>/dev/null || packages+=(python3-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 2
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test,serve,mkdocs,sphinx,lint]"
# Bytecode for our own modules now: where PYTHONDONTWRITEBYTECODE is set, every run would compile them again
.venv/bin/python -m compileall -q blueprint
# Mermaid 11's own parser for the export tests (pinned in tests/mermaid/package-lock.json; never a browser)
if [ ! -d tests/mermaid/node_modules/mermaid ] || [ tests/mermaid/package-lock.json -nt tests/mermaid/node_modules ]; then
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tests/mermaid --no-audit --no-fund --loglevel=error >/dev/null
fi
echo "setup: ready ($(.venv/bin/blueprint --version), $(dot -V 2>&1))"
