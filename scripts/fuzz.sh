#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with ASan and runs each for a bounded time on a seed corpus made
# from ../shared/data. Usage: scripts/fuzz.sh [seconds per target, default 60]. Exits non-zero on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-60}}
shared=${COREWARD_SHARED:-../shared}
work=$(mktemp -d "${TMPDIR:-/tmp}/coreward-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# gold warns once per ASan helper symbol on every link: keep the log readable.
if ! swift build --package-path fuzz --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address >"$work/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$work/build.log" | tail -60
    echo "fuzz: build failed"
    exit 1
fi
grep -v "Cannot export local symbol" "$work/build.log" | tail -3
bin=$(swift build --package-path fuzz --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address --show-bin-path)

python3 scripts/fuzz-seeds.py "$shared" "$work"

status=0
passed=0
failed=0
for target in FuzzExtraction FuzzEquivalence FuzzRequests; do
    mkdir -p "$work/$target-found"
    echo "fuzz: $target for ${seconds}s"
    # libFuzzer reports crashes itself; Swift's interactive backtracer would only delay it.
    if ! SWIFT_BACKTRACE=enable=no "$bin/$target" "$work/$target-found" "$work/seeds-$target" -max_total_time="$seconds" -max_len=65536 \
        -timeout=10 -rss_limit_mb=4096 -artifact_prefix="$work/$target-" -print_final_stats=1 2>"$work/$target.log"; then
        status=1
        failed=$((failed + 1))
        echo "fuzz: $target FAILED"
        tail -40 "$work/$target.log"
        for artifact in "$work/$target-"crash-* "$work/$target-"timeout-* "$work/$target-"oom-*; do
            [ -e "$artifact" ] && mkdir -p fuzz/artifacts && cp "$artifact" fuzz/artifacts/ && echo "fuzz: kept fuzz/artifacts/$(basename "$artifact")"
        done
    else
        passed=$((passed + 1))
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$work/$target.log" | sed "s/^/fuzz: $target: /" || true
done
echo "fuzz: $passed passed, $failed failed"
exit $status
