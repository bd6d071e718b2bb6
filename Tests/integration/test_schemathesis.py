"""schemathesis generates requests from api/openapi.yaml (valid and invalid ones) and checks every answer of
the live server against the contract: no 5xx, declared status codes, content types, headers and schemas,
invalid data rejected, valid data accepted."""
import os
import pathlib
import re
import subprocess
import sys

from conftest import REPO

SCHEMATHESIS = pathlib.Path(sys.executable).with_name("schemathesis")


def test_schemathesis_finds_no_failure(start_server):
    # No access log (the start line is a notice); a short assembly timeout so that a generated Co-Reward sample
    # whose group never completes is answered at once.
    server = start_server("--log-level", "notice", "--assembly-timeout-seconds", "0.2")
    examples = os.environ.get("COREWARD_SCHEMATHESIS_EXAMPLES", "150")
    for _ in range(2):
        run = subprocess.run(
            [str(SCHEMATHESIS), "--config-file", str(REPO / "Tests" / "integration" / "schemathesis.toml"),
             "run", str(REPO / "api" / "openapi.yaml"), "--url", server.url, "--checks", "all",
             "--max-examples", examples, "--workers", "2", "--seed", "20261126", "--no-color"],
            capture_output=True, text=True, timeout=900)
        report = run.stdout + run.stderr
        # Once in a few runs CPython 3.11.7 raises "SystemError: AST constructor recursion depth mismatch" inside
        # hypothesis (ast.parse of a strategy's lambda, to describe it; an interpreter bug fixed in later 3.11
        # releases): that run tested nothing of ours, so it is run again. Any other failure fails the test.
        if "AST constructor recursion depth mismatch" not in report:
            break
    assert run.returncode == 0, report[-6000:]
    generated = re.search(r"(\d+) generated, (\d+) passed", report)
    assert generated, report[-3000:]
    assert int(generated.group(1)) >= 500 and generated.group(1) == generated.group(2), generated.group(0)
    assert server.get("/healthz").status_code == 200
