"""The in-process encoder over HTTP: reference parity, readiness, limits, a missing model."""
import json

import pytest

from conftest import SHARED, problem, read_jsonl

REFERENCE = read_jsonl(SHARED / "data" / "minilm" / "reference.jsonl")
TEXTS = [line for line in REFERENCE if "text" in line]
PAIRS = [line for line in REFERENCE if "a" in line]


def test_embeddings_match_the_reference(server):
    body = server.post("/v1/embed", {"texts": [line["text"] for line in TEXTS]}).json()
    assert body["model"] == "all-MiniLM-L6-v2" and body["dim"] == 384
    assert len(body["embeddings"]) == len(TEXTS)
    worst = max(abs(got - want) for line, vector in zip(TEXTS, body["embeddings"])
                for got, want in zip(vector, line["embedding"]))
    assert worst <= 1e-5, worst


def test_similarity_matches_the_reference(server):
    body = server.post("/v1/similarity", {"pairs": [{"a": p["a"], "b": p["b"]} for p in PAIRS]}).json()
    for pair, cosine in zip(PAIRS, body["cosine"]):
        assert cosine == pytest.approx(pair["cosine"], abs=1e-5)


def test_info_names_the_model_and_its_hash(server):
    model = server.get("/v1/info").json()["model"]
    assert model["status"] == "ready"
    assert model["sha256"] == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


@pytest.mark.parametrize("path, body, status, pointer", [
    ("/v1/embed", {"texts": "one"}, 400, "/texts"),
    ("/v1/embed", {"texts": [1]}, 400, "/texts/0"),
    ("/v1/embed", {}, 400, "/texts"),
    ("/v1/embed", {"texts": ["a"], "normalize": False}, 400, "/normalize"),
    ("/v1/embed", {"texts": ["a"] * 257}, 413, "/texts"),
    ("/v1/embed", {"texts": ["x" * 65537]}, 413, "/texts/0"),
    ("/v1/similarity", {"pairs": [{"a": "x"}]}, 400, "/pairs/0/b"),
    ("/v1/similarity", {"pairs": [{"a": "x", "b": "y"}] * 129}, 413, "/pairs"),
])
def test_encoder_limits_and_types(server, path, body, status, pointer):
    assert problem(status, server.post(path, body))["pointer"] == pointer


def test_a_missing_model_keeps_readiness_503_and_says_how_to_fetch_it(start_server, tmp_path):
    server = start_server("--model-dir", str(tmp_path / "nothing-here"))
    ready = server.wait_ready(timeout=3)
    found = problem(503, ready)
    assert "make model" in found["detail"]
    problem(503, server.post("/v1/embed", {"texts": ["a"]}))
    assert server.get("/v1/info").json()["model"]["status"] == "failed"
    # everything that does not need the encoder still works
    assert server.post("/v1/reward", {"groups": [{"views": [{"responses": ["\\boxed{1}"]},
                                                            {"responses": ["\\boxed{1}"]}]}]}).status_code == 200
    assert server.get("/healthz").status_code == 200


def test_a_corrupt_model_is_refused_with_the_reason(start_server, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}......")
    (folder / "vocab.txt").write_text("[PAD]\n")
    server = start_server("--model-dir", str(folder))
    found = problem(503, server.wait_ready(timeout=5))
    assert "model.safetensors" in found["detail"]
    assert "encoder not available" in server.log()
