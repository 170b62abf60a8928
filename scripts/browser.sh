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

cd "$(dirname "$0")/.."
. scripts/lib/apt.sh
ensure_cmd chromium chromium fonts-dejavu-core
find_chromium || { echo "browser.sh: chromium still not found after apt-get" >&2; exit 1; }
