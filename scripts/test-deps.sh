#!/usr/bin/env bash
# What the tests need beyond npm: Debian's chromium (HTML reports opened in a real browser through
# playwright-core, which downloads none), redis-server (an expect module judged against real redis) and
# socat (a third-party echo server check must pass). `npm test` and `.ci/run` run this first: as root with
# apt it installs what is missing; otherwise it prints the one command to run and stops.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v socat >/dev/null || missing+=(socat)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test dependencies: installing ${missing[*]} (apt)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "the tests need ${missing[*]}: run  sudo apt-get install -y ${missing[*]}  then npm test again" >&2
exit 1
