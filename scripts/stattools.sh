#!/usr/bin/env bash
# Installs the statistics tools the barometer tests run for real, when
# missing: GLPK's glpsol (the disclosure auditor's LP solver), PSPP and R
# (which must read the released files). Progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/apt.sh

ensure_cmd glpsol glpk-utils
ensure_cmd pspp pspp
ensure_cmd Rscript r-base-core
