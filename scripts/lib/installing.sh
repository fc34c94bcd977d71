# shellcheck shell=bash
# Sourced by the scripts that install what they need; defines no globals
# but these two functions. Both are quiet when there is nothing to do.

# apt_install_missing PACKAGE...: installs those of the Debian packages that
# are not installed yet, with sudo when not root.
apt_install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm_ci_when_changed DIR: `npm ci` in DIR, skipped when its node_modules
# was installed from this very package.json and lock file.
npm_ci_when_changed() {
  local dir=$1 stamp want
  stamp=$dir/node_modules/.installed.sha256
  want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then return 0; fi
  echo "npm ci in $dir" >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" >"$stamp"
}
