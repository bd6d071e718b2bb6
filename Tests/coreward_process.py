"""The real `coreward` binary as a test starts it: `serve` on 127.0.0.1 (a free port unless told), COREWARD_*
variables cleared, the log in a file. Shared by Tests/integration and Tests/trainers (each adds what its tests
call on top)."""
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
SHARED = pathlib.Path(os.environ.get("COREWARD_SHARED", REPO.parent / "shared"))
BINARY = pathlib.Path(os.environ.get("COREWARD_BIN", REPO / ".build" / "release" / "coreward"))
MODEL_DIR = pathlib.Path(os.environ.get("COREWARD_MODEL_DIR", REPO / "models" / "all-MiniLM-L6-v2"))


class CorewardProcess:
    """A running `coreward serve` with `flags` (and `--model-dir` unless given), on `port` (0: any free one)."""

    def __init__(self, *flags, port=0, env=None, log_prefix="coreward-"):
        if not BINARY.exists():
            raise RuntimeError(f"{BINARY} is missing: run `make build` first")
        environment = {k: v for k, v in os.environ.items() if not k.startswith("COREWARD_")}
        environment.update(env or {})
        # The log goes to a file, not a pipe: a pipe nobody drains would block the server when full.
        self.log_file = tempfile.NamedTemporaryFile(prefix=log_prefix, suffix=".log", delete=False)
        if "--model-dir" not in flags:
            flags = ("--model-dir", str(MODEL_DIR), *flags)
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(port), *flags],
            stdout=subprocess.DEVNULL, stderr=self.log_file, env=environment)
        deadline = time.time() + 30
        self.port = None
        while self.port is None and time.time() < deadline and self.process.poll() is None:
            match = re.search(r"\baddress[=\":]+127\.0\.0\.1:(\d+)", self.log())
            if match:
                self.port = int(match.group(1))
            else:
                time.sleep(0.02)
        if self.port is None:
            self.process.kill()
            raise RuntimeError("coreward did not start:\n" + self.log())
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        return pathlib.Path(self.log_file.name).read_text(errors="replace")

    def terminate(self):
        """SIGTERM, without waiting."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self):
        """SIGTERM, then SIGKILL after 30 s; the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
