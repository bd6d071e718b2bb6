#!/usr/bin/env python3
"""Throughput of the numpy reference encoder (shared/tools/minilm_numpy.py) on a JSON list of texts.

Usage: MINILM_DIR=models/all-MiniLM-L6-v2 numpy_bench.py TOOLS_DIR TEXTS.json OUT.json BATCHES REPEATS
Writes {"rows": [{"batch", "sentencesPerSecond", "seconds"}], "blas": ...} to OUT.json.
"""
import json
import sys
import time

tools_dir, texts_path, out_path, batches, repeats = sys.argv[1:6]
sys.path.insert(0, tools_dir)
import numpy as np  # noqa: E402
from minilm_numpy import MiniLM  # noqa: E402

texts = json.load(open(texts_path, encoding="utf-8"))
model = MiniLM(np.float32, tokenizer="py")
model.embed(texts[:8], batch_size=8)  # warm-up

try:
    from threadpoolctl import threadpool_info
    blas = [f"{i['internal_api']} {i.get('version')} {i.get('architecture')} x{i['num_threads']}" for i in threadpool_info()]
except Exception:  # threadpoolctl is optional
    blas = ["unknown (pip install threadpoolctl to see the kernel)"]

rows = []
for batch in [int(b) for b in batches.split(",")]:
    seconds = []
    for _ in range(int(repeats)):
        start = time.perf_counter()
        out = model.embed(texts, batch_size=batch)
        seconds.append(time.perf_counter() - start)
        assert out.shape == (len(texts), 384)
    rows.append({"batch": batch, "sentencesPerSecond": len(texts) / min(seconds), "seconds": seconds})
    print(f"numpy batch {batch:4d}: {len(texts) / min(seconds):6.1f} sentences/s (runs {' '.join(f'{s:.2f}' for s in seconds)})",
          file=sys.stderr)
json.dump({"rows": rows, "blas": blas}, open(out_path, "w"))
