#!/usr/bin/env bash
# Idempotent set-up: Debian packages (as root), a virtual environment in .venv, the package.
# Usage: scripts/setup.sh [EXTRAS]   (EXTRAS: e.g. test,train: test tools, training pipeline)
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-}

# Sound and speech: espeak-ng speaks, PortAudio/PulseAudio carry audio (a null sink when
# there is no sound card). python3-venv only where the interpreter lacks venv/ensurepip.
apt_packages=(espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils alsa-utils
  libasound2-plugins sox libspeexdsp1)
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please run: sudo apt-get install ${missing[*]}" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.installed${extra:+-${extra//,/-}}
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ]; then
  echo "setup: installing Python packages into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".${extra:+[$extra]}"
  touch "$stamp"
fi
