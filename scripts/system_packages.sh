# Debian packages the project needs outside Python (sourceable; defines one function).
#
#   . scripts/system_packages.sh
#   ensure_debian_packages postgresql redis-server nginx
#
# Silent when every package is present. When some are missing and we are root with apt-get,
# installs them quietly (log: var/logs/apt.log, shown only on failure); otherwise prints one
# line with the command to run, and exits 1.

_SYSPKG_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The file (absolute path) or command (on PATH) that proves each package is installed.
# Checking a file rather than dpkg keeps this fast and works where dpkg is absent.
declare -gA DEBIAN_PACKAGE_PROOF=(
  [postgresql]=/usr/lib/postgresql/15/bin/initdb
  [postgresql-15]=/usr/lib/postgresql/15/bin/initdb
  [redis-server]=redis-server
  [redis-tools]=redis-cli
  [nginx]=/usr/sbin/nginx
  [chromium]="${CHROMIUM:-/usr/bin/chromium}"  # the browser tests read CHROMIUM too
  [openssl]=openssl
)

_debian_package_present() {  # _debian_package_present PKG
  local proof="${DEBIAN_PACKAGE_PROOF[$1]:-}"
  if [ -z "$proof" ]; then
    # Not in the table: ask dpkg.
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
  elif [[ "$proof" == /* ]]; then
    [ -x "$proof" ]
  else
    command -v "$proof" >/dev/null 2>&1
  fi
}

ensure_debian_packages() {  # ensure_debian_packages PKG...
  local pkg missing=()
  for pkg in "$@"; do
    _debian_package_present "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "missing Debian packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi

  local logs="${LOGS:-$_SYSPKG_ROOT/var/logs}"
  mkdir -p "$logs"
  local log="$logs/apt.log"
  # Keep the packages' own services (nginx on :80, redis on :6379) from starting at install:
  # we start our own instances. policy-rc.d is Debian's switch for that; ours is temporary.
  local policy=/usr/sbin/policy-rc.d own_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  local ok=1
  { export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}"; } >"$log" 2>&1 || ok=""
  [ -z "$own_policy" ] || rm -f "$policy"
  if [ -z "$ok" ]; then
    echo "apt-get install ${missing[*]} failed; its log ($log) ends with:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  for pkg in "${missing[@]}"; do
    if ! _debian_package_present "$pkg"; then
      echo "apt-get installed $pkg but ${DEBIAN_PACKAGE_PROOF[$pkg]:-it} is still missing; see $log" >&2
      exit 1
    fi
  done
}
