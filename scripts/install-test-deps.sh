#!/usr/bin/env bash
# System packages the test suite needs; each line installs only what is missing (we run as root).
set -euo pipefail
updated=0
need() {  # need BINARY PACKAGE...
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ]; then
        if [ "$updated" = 0 ]; then apt-get update; updated=1; fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${@:2}"
    fi
}
need dovecot dovecot-imapd
need openssl openssl
