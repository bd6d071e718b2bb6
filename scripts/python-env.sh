#!/usr/bin/env bash
# Creates .venv with the Python packages the integration tests and benchmarks use (from PyPI), and the
# project's own Python client (clients/python, import coreward_client).
set -euo pipefail
venv=${1:-.venv}
requirements=Tests/integration/requirements.txt
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" 2>/dev/null || {
        echo "python-env: installing python3-venv"
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements"
"$venv/bin/python" -m pip install -q --disable-pip-version-check ./clients/python
touch "$venv/.installed"
