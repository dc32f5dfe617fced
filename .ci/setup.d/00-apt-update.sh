# Refresh Debian's package lists once, only if some later step needs apt (they call weft_apt_install).
weft_apt_updated=0
weft_apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$weft_apt_updated" = 0 ]; then apt-get update -qq; weft_apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
