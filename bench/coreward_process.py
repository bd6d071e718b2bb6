"""Starts the coreward binary for a benchmark: loopback, a free port, a default configuration."""
import os
import pathlib
import re
import subprocess
import tempfile
import time


def start_server(binary, *flags):
    """Starts `binary serve` on 127.0.0.1 and a free port with `flags`, COREWARD_* variables cleared (the log goes
    to a temporary file); returns (process, port) once it listens."""
    log = tempfile.NamedTemporaryFile(prefix="coreward-bench-", suffix=".log", delete=False)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COREWARD_")}
    process = subprocess.Popen([str(binary), "serve", "--host", "127.0.0.1", "--port", "0", *flags],
                               stdout=subprocess.DEVNULL, stderr=log, env=environment)
    deadline = time.time() + 30
    while time.time() < deadline and process.poll() is None:
        match = re.search(r"address=127\.0\.0\.1:(\d+)", pathlib.Path(log.name).read_text(errors="replace"))
        if match:
            return process, int(match.group(1))
        time.sleep(0.02)
    process.kill()
    raise SystemExit("coreward did not start: " + pathlib.Path(log.name).read_text(errors="replace"))
