#!/usr/bin/env bash
# Install the system packages the test suite needs, only when they are missing (we run as root).
# One line per need; add yours below. `make test` runs this first.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)   # tests/reports/test_html_browser.py

if ((${#need[@]})); then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
