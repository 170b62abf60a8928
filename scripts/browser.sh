#!/usr/bin/env bash
# Prints the path of a Chromium the browser tests can drive, installing
# Debian's chromium with apt-get when none is found (through sudo when not
# root). Progress goes to stderr; stdout carries only the path.
set -euo pipefail

find_chromium() {
	if [ -n "${CIVISCOPE_CHROMIUM:-}" ] && [ -x "$CIVISCOPE_CHROMIUM" ]; then
		echo "$CIVISCOPE_CHROMIUM"; return 0
	fi
	for c in chromium chromium-browser google-chrome-stable google-chrome; do
		if p=$(command -v "$c" 2>/dev/null); then echo "$p"; return 0; fi
	done
	return 1
}

if find_chromium; then exit 0; fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "browser.sh: chromium is missing and sudo is not available; install the 'chromium' package" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "browser.sh: installing chromium with apt-get (once)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 || echo "browser.sh: apt-get update failed; trying the cached lists" >&2
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
find_chromium || { echo "browser.sh: chromium still not found after apt-get" >&2; exit 1; }
