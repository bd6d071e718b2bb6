#!/usr/bin/env bash
# Creates .venv-trainers: the real trainers (verl, OpenRLHF, TRL) from PyPI at pinned versions, for
# Tests/trainers (`make trainer-test`), plus the project's Python client (clients/python).
#
# Why this recipe:
# - One venv holds all three. verl 0.9.1 pins transformers <5.11; OpenRLHF 0.11.2 pins transformers==5.15.0,
#   flash-attn and deepspeed (sdists that need CUDA/torch at build time), so OpenRLHF is installed with
#   --no-deps on top of what verl and TRL pull in. Tests/trainers stubs vllm (and nothing else OpenRLHF needs
#   at import time for the code paths it drives).
# - torch==2.13.0 resolves to the CPU wheel where pip has it in a find-links dir (this machine: /opt/wheels),
#   and to PyPI's CUDA wheel elsewhere (larger download; both work).
# - cachetools, uvicorn and fastapi are imported by verl's agent loop (they are in verl's [verl-core] extra).
# - OpenRLHF 0.9.0 (the last line with the batch reward client) goes into a --target dir beside the venv, so its
#   test can put it first on sys.path without a second venv.
# - The older verl lines (0.6.1, 0.7.0, 0.7.1, 0.8.0: about 1 MB each) go into --target dirs under verl-lines/,
#   where Tests/trainers/test_verl.py runs each one's own reward code on this venv's torch and transformers.
# Idempotent: the packages are installed again only when the pins below (or this file) change; the client is
# reinstalled when its files change.
set -euo pipefail
venv=${1:-.venv-trainers}
pins=(torch==2.13.0 verl==0.9.1 trl==1.16.0 cachetools uvicorn fastapi)
nodeps_pin=openrlhf==0.11.2
batch_pin=openrlhf==0.9.0
verl_lines=(0.6.1 0.7.0 0.7.1 0.8.0)
stamp="$venv/.pins-$(printf '%s\n' "${pins[@]}" "$nodeps_pin" "$batch_pin" "${verl_lines[@]}" | sha256sum | cut -c1-16)"
pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check)

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || {
        echo "trainer-env: installing python3-venv"
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    }
fi
if [ ! -e "$stamp" ]; then
    echo "trainer-env: installing ${pins[*]} $nodeps_pin (--no-deps) $batch_pin (--target) into $venv (a few minutes, ~2 GB)"
    rm -f "$venv"/.pins-*
    "${pip[@]}" "${pins[@]}" pytest
    "${pip[@]}" --no-deps "$nodeps_pin"
    rm -rf "$venv/openrlhf-0.9.0"
    "${pip[@]}" --no-deps --target "$venv/openrlhf-0.9.0" "$batch_pin"
    for version in "${verl_lines[@]}"; do
        rm -rf "$venv/verl-lines/$version"
        "${pip[@]}" --no-deps --target "$venv/verl-lines/$version" "verl==$version"
    done
    touch "$stamp"
fi
"${pip[@]}" --no-deps --force-reinstall ./clients/python
touch "$venv/.installed"
