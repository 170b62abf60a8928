#!/usr/bin/env bash
# Installs the statistics tools the barometer tests run for real, when
# missing: GLPK's glpsol (the disclosure auditor's LP solver), PSPP and R
# (which must read the released files). Debian packages, with apt-get,
# through sudo when not root, as scripts/browser.sh does for Chromium.
# Progress goes to stderr.
set -euo pipefail

missing=()
command -v glpsol >/dev/null 2>&1 || missing+=(glpk-utils)
command -v pspp >/dev/null 2>&1 || missing+=(pspp)
command -v Rscript >/dev/null 2>&1 || missing+=(r-base-core)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "stattools.sh: ${missing[*]} missing and sudo is not available; install them" >&2
		exit 1
	fi
	sudo="sudo"
fi
echo "stattools.sh: installing ${missing[*]} with apt-get (once)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2 || echo "stattools.sh: apt-get update failed; trying the cached lists" >&2
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
