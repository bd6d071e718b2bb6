#!/usr/bin/env bash
# The package's structure as issue 12 fixed it, checked by `make unit-test` (the compiler cannot see all of it:
# a target may import a C module that a dependency of it links): no unsafeFlags in Package.swift; only the
# Encoder target imports CBLAS; Equivalence imports no other module of ours and no Foundation.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
fail() { echo "check-layout: $*" >&2; status=1; }

if grep -n "unsafeFlags" Package.swift; then fail "Package.swift uses unsafeFlags (the package could not be a dependency)"; fi
while IFS= read -r file; do
    case "$file" in Sources/Encoder/*) ;; *) fail "$file imports CBLAS: only Sources/Encoder may";; esac
done < <(grep -rl --include='*.swift' -E '^(@_exported )?import CBLAS' Sources || true)
if grep -rn --include='*.swift' -E '^import (Core|Encoder|Server|Foundation)$' Sources/Equivalence; then
    fail "Sources/Equivalence must depend on nothing (no Core, Encoder, Server or Foundation)"
fi
if grep -rn --include='*.swift' -E '^import (Encoder|Server|Foundation)$' Sources/Core; then
    fail "Sources/Core is pure: no Encoder, Server or Foundation"
fi
[ "$status" -eq 0 ] && echo "check-layout: ok"
exit "$status"
