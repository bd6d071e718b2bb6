#!/usr/bin/env bash
# Installs what coreward builds and runs with, on Debian or Ubuntu: the C libraries (libmicrohttpd,
# jansson, OpenBLAS, simdjson) and pkg-config; with --test also nginx, wrk, promtool and chromium. Idempotent:
# installs only what is missing.
# Used by `make` and by docker/Dockerfile alike.
set -euo pipefail

packages=(pkg-config libmicrohttpd-dev libjansson-dev libopenblas-dev libsimdjson-dev)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# --test: also what the tests and benchmarks run besides the build, nginx (Tests/integration/test_nginx.py
# puts a real one in front of two replicas) and wrk (bench/load.sh). Any nginx package will do. promtool (Debian's
# prometheus package) checks and unit-tests docker/prometheus (`make check-monitoring`); chromium opens the HTML
# of `coreward report` headless (Tests/integration/test_report.py).
if [ "${1:-}" = "--test" ]; then
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v wrk >/dev/null 2>&1 || missing+=(wrk)
    command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "install-deps: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # Packages like nginx start a system service when installed; the tests run their own instances, so
    # forbid service starts during the install (policy-rc.d exit 101), unless the machine already has a policy.
    policy=/usr/sbin/policy-rc.d
    added_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && added_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -z "$added_policy" ] || $sudo rm -f "$policy"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "install-deps: no Swift toolchain on PATH (Swift 6 is needed; see https://www.swift.org/install/linux/)" >&2
    exit 1
fi
