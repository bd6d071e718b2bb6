#!/usr/bin/env bash
# Swift MiniLM encoder vs the numpy reference on the same math questions, in one run, one table.
#
# Usage: bench/encoder.sh            (from anywhere; env knobs below)
#   COUNT=256         questions (60-120 tokens) from shared/data/math/train_pairs.jsonl
#   BATCHES=1,32,128  batch sizes
#   ROUNDS=2          alternating Swift/numpy rounds; each side keeps its best run per batch size
#   PARALLELISM=      Swift threading mode, e.g. batches:2 or blas:2 (default: one batch per core)
#   COREWARD_MODEL_DIR, COREWARD_SHARED   model folder and shared/ folder
#   SUMMARY_JSON=     also write the table's figures to this file (bench/bench_all.py reads it)
# The machine is shared, so single runs are noisy: rounds alternate the two engines so both see
# the same background load, and the best of each is reported.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNT="${COUNT:-256}"
BATCHES="${BATCHES:-1,32,128}"
ROUNDS="${ROUNDS:-2}"
MODEL_DIR="${COREWARD_MODEL_DIR:-$ROOT/models/all-MiniLM-L6-v2}"

find_shared() {
    if [[ -n "${COREWARD_SHARED:-}" ]]; then echo "$COREWARD_SHARED"; return; fi
    local dir="$ROOT"
    while [[ "$dir" != "/" ]]; do
        if [[ -f "$(dirname "$dir")/shared/tools/minilm_numpy.py" ]]; then echo "$(dirname "$dir")/shared"; return; fi
        dir="$(dirname "$dir")"
    done
    echo "bench: cannot find shared/ (set COREWARD_SHARED)" >&2
    exit 1
}
SHARED="$(find_shared)"

[[ -f "$MODEL_DIR/model.safetensors" ]] || scripts/fetch-model.sh "$MODEL_DIR"
swift build -c release --product encoder-bench >&2
BIN="$(swift build -c release --show-bin-path)/encoder-bench"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

SWIFT_ARGS=(--model "$MODEL_DIR" --data "$SHARED/data/math/train_pairs.jsonl" --count "$COUNT" --batches "$BATCHES" --repeats 1)
[[ -n "${PARALLELISM:-}" ]] && SWIFT_ARGS+=(--parallelism "$PARALLELISM")

for round in $(seq 1 "$ROUNDS"); do
    echo "bench: round $round/$ROUNDS: Swift" >&2
    "$BIN" "${SWIFT_ARGS[@]}" --texts-out "$WORK/texts.json" --json "$WORK/swift-$round.json" >&2
    echo "bench: round $round/$ROUNDS: numpy" >&2
    MINILM_DIR="$MODEL_DIR" python3 "$ROOT/bench/numpy_bench.py" "$SHARED/tools" "$WORK/texts.json" \
        "$WORK/numpy-$round.json" "$BATCHES" 1
done

python3 - "$WORK" "$ROUNDS" "${SUMMARY_JSON:-}" <<'PY'
import json, sys, os
work, rounds, summary_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
summary = []
swift = [json.load(open(os.path.join(work, f"swift-{r}.json"))) for r in range(1, rounds + 1)]
numpy = [json.load(open(os.path.join(work, f"numpy-{r}.json"))) for r in range(1, rounds + 1)]
peak = max(s["peakGflops"] for s in swift)
peak1 = max(s["peakGflopsOneThread"] for s in swift)
first = swift[0]
print(f"texts: {first['texts']} math questions, mean {first['meanTokens']:.1f} tokens, "
      f"{first['flopsPerText'] / 1e9:.2f} GFLOP each (matrix products, padding excluded)")
print(f"Swift: OpenBLAS kernel {first['coreName']}, {first['parallelism']}; "
      f"numpy: {', '.join(numpy[0]['blas'])}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
print(f"sgemm peak (2048^3, best of rounds): {peak:.1f} GFLOP/s on all cores, {peak1:.1f} on one")
print()
print("| batch | Swift sentences/s | numpy sentences/s | Swift/numpy | Swift GFLOP/s | of sgemm peak | Swift time: products / attention / element-wise |")
print("|------:|------------------:|------------------:|------------:|--------------:|--------------:|:------------------------------------------------|")
for i, row in enumerate(first["rows"]):
    batch = row["batch"]
    s = max(sw["rows"][i]["sentencesPerSecond"] for sw in swift)
    g = max(sw["rows"][i]["gflops"] for sw in swift)
    n = max(nu["rows"][i]["sentencesPerSecond"] for nu in numpy)
    share = {k: sum(sw["rows"][i]["stageShares"][k] for sw in swift) / rounds for k in ("products", "attention", "elementWise")}
    split = f"{100 * share['products']:.0f}% / {100 * share['attention']:.0f}% / {100 * share['elementWise']:.0f}%"
    print(f"| {batch:5d} | {s:17.1f} | {n:17.1f} | {s / n:10.2f}x | {g:13.1f} | {100 * g / peak:12.1f}% | {split:47s} |")
    summary.append({"batch": batch, "swift": s, "numpy": n, "gflops": g, "peak_share": g / peak, "shares": share})
if summary_path:
    with open(summary_path, "w") as handle:
        json.dump({"peak_gflops": peak, "peak_gflops_one_thread": peak1, "texts": first["texts"],
                   "mean_tokens": first["meanTokens"], "rows": summary}, handle)
PY
