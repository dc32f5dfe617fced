# Refresh Debian's package lists once, only if some later step needs apt (they call weft_apt_install).
# A fresh CI machine may have no package lists at all: the first install that finds something missing runs
# `apt-get update` first. dpkg's chatter goes to a temporary log, printed only when the install fails.
weft_apt_updated=0
weft_apt_install() {
  local missing=() pkg log
  for pkg in "$@"; do
    # "installed" only: a removed package whose config files remain is still missing.
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null)" = installed ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "apt: installing ${missing[*]} (and their dependencies)"
  if [ "$weft_apt_updated" = 0 ]; then apt-get -o Acquire::Retries=3 update -qq; weft_apt_updated=1; fi
  log=$(mktemp)
  if ! apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}
