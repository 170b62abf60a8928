# Shared by the scripts: source it, do not run it.

# ensure_cmd CMD PKG… installs the Debian packages PKG… with apt-get (through
# sudo when not root) when CMD is not on the PATH. Progress goes to stderr.
ensure_cmd() {
	local cmd=$1; shift
	command -v "$cmd" >/dev/null && return 0
	echo "civiscope: $cmd is missing: installing $* with apt-get" >&2
	local sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "civiscope: sudo is not available; install $* yourself" >&2; return 1; }
		sudo=sudo
	fi
	# A fresh machine has empty package lists; refresh them once per script.
	if [ -z "${_civiscope_apt_updated:-}" ]; then
		$sudo apt-get update -qq >&2 || echo "civiscope: apt-get update failed; trying the cached lists" >&2
		_civiscope_apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
	command -v "$cmd" >/dev/null || { echo "civiscope: $cmd still missing after apt-get install $*" >&2; return 1; }
}
