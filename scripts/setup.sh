#!/usr/bin/env bash
# Installs what perfadvise needs to build and test, from Debian packages only. Idempotent: a
# package that is already installed is left alone, and apt is not touched when nothing is missing.
#
#   scripts/setup.sh            build dependencies
#   scripts/setup.sh --tests    + what the tests use (protoc, python3, headless chromium)
#   scripts/setup.sh --fuzz     + clang and libFuzzer for the reader's fuzz target
#
# The CUDA toolkit (CUPTI and NVTX headers) is not a Debian package of the right version: it is
# expected at /usr/local/cuda. Without it everything but the collector still builds.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config libsqlite3-dev libfmt-dev libcli11-dev
          nlohmann-json3-dev catch2)
for arg in "$@"; do
  case "$arg" in
    --tests) packages+=(protobuf-compiler python3 chromium) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "setup.sh: unknown option '$arg' (use --tests or --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
else
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f /usr/local/cuda/include/cupti.h ]; then
  echo "setup: no CUDA toolkit at /usr/local/cuda: the collector will not be built" >&2
fi
