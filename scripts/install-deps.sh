#!/usr/bin/env bash
# Installs what coreward builds and runs with, on Debian or Ubuntu: the C libraries (libmicrohttpd,
# jansson, OpenBLAS, simdjson) and pkg-config. Idempotent: installs only what is missing.
# Used by `make` and by docker/Dockerfile alike.
set -euo pipefail

packages=(pkg-config libmicrohttpd-dev libjansson-dev libopenblas-dev libsimdjson-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no Swift toolchain on PATH (Swift 6 is needed; see https://www.swift.org/install/linux/)" >&2
    exit 1
fi
