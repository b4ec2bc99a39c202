#!/bin/sh
# What the tests need from the OS, as Debian/Ubuntu packages: redis-server (the tests start their own),
# openssl (the TLS test) and chromium at /usr/bin/chromium (the browser tests; no browser is
# downloaded). Whatever is missing is installed with apt-get where that needs no password (as root,
# or with sudo -n); otherwise this stops with one line saying what to install. Silent when all is there.
set -eu

missing() {
  packages=""
  command -v redis-server >/dev/null 2>&1 || packages="$packages redis-server"
  command -v openssl >/dev/null 2>&1 || packages="$packages openssl"
  [ -x /usr/bin/chromium ] || packages="$packages chromium"
  echo "${packages# }"
}

packages=$(missing)
[ -z "$packages" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root="" install_hint="apt-get"
else
  as_root="sudo -n" install_hint="sudo apt-get"
fi
if command -v apt-get >/dev/null 2>&1 &&
  { [ -z "$as_root" ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; }; then
  echo "npm test needs $packages: installing with apt-get"
  $as_root apt-get update -qq
  # Unquoted: one word per package.
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >/dev/null
  packages=$(missing)
  [ -z "$packages" ] && exit 0
fi
echo "npm test needs $packages: install with \"$install_hint install -y $packages\"" >&2
exit 1
