#!/bin/sh
# Installs the system packages the tests start as real servers; a no-op when they are present.
# Shared by every helper: append one block per package, keep each idempotent.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt_updated=0
need() {
    # need COMMAND PACKAGE...: install PACKAGE(s) when COMMAND is missing.
    cmd=$1
    shift
    if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then
        if [ "$apt_updated" = 0 ]; then
            apt-get update
            apt_updated=1
        fi
        apt-get install -y --no-install-recommends "$@"
    fi
}

# SMB source tests: smbd serves a loopback share; smbcacls/smbpasswd set it up.
need smbd samba
need smbcacls smbclient
