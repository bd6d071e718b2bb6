"""Bad input always gets a 4xx problem+json naming the field, never a 5xx, and the server keeps answering."""
import json
import re
import socket

import pytest

from conftest import problem

VALID = {"groups": [{"views": [{"responses": ["\\boxed{1}"]}, {"responses": ["\\boxed{1}"]}]}]}


@pytest.mark.parametrize("path, body, status, pointer", [
    # malformed or truncated JSON, not JSON at all
    ("/v1/reward", b'{"groups": [', 400, None),
    ("/v1/reward", b'{"groups": [}', 400, None),
    ("/v1/reward", b"groups=1", 400, None),
    ("/v1/reward", b"", 400, None),
    ("/v1/reward", b'{"groups": []} trailing', 400, None),
    ("/v1/reward", b'{"groups": [NaN]}', 400, None),
    ("/v1/reward", b'{"groups": [Infinity]}', 400, None),
    # invalid UTF-8, inside a string and outside
    ("/v1/reward", b'{"groups": [{"views": [{"responses": ["\xff\xfe"]}]}]}', 400, None),
    ("/v1/extract", b'{"responses": ["\xc3\x28"]}', 400, None),
    # deep nesting
    ("/v1/reward", b"[" * 10000 + b"]" * 10000, 400, None),
    ("/v1/vote", b'{"groups": ' + b"[" * 100 + b"]" * 100 + b"}", 400, None),
    # wrong types, each named by a JSON Pointer
    ("/v1/reward", [], 400, ""),
    ("/v1/reward", {"groups": {}}, 400, "/groups"),
    ("/v1/reward", {"groups": [7]}, 400, "/groups/0"),
    ("/v1/reward", {"groups": [{"views": "x"}]}, 400, "/groups/0/views"),
    ("/v1/reward", {"groups": [{"views": [{"responses": ["ok"]}, {"responses": ["ok", 3]}]}]}, 400,
     "/groups/0/views/1/responses/1"),
    ("/v1/reward", {"groups": [{"views": [{"responses": ["a"]}, {"responses": [None]}]}]}, 400,
     "/groups/0/views/1/responses/0"),
    ("/v1/reward", {"groups": [{"id": 5, "views": []}]}, 400, "/groups/0/id"),
    ("/v1/reward", {"groups": [{"views": [{"responses": ["a"]}], "label": 1}]}, 400, "/groups/0/label"),
    ("/v1/reward", {**VALID, "mode": "majority"}, 400, "/mode"),
    ("/v1/reward", {**VALID, "reward": 1}, 400, "/reward"),
    ("/v1/reward", {**VALID, "advantage": "ppo"}, 400, "/advantage"),
    ("/v1/reward", {**VALID, "equivalence": "fuzzy"}, 400, "/equivalence"),
    ("/v1/reward", {**VALID, "extract": "greedy"}, 400, "/extract"),
    ("/v1/vote", {"groups": [{"responses": "text"}]}, 400, "/groups/0/responses"),
    ("/v1/extract", {"responses": [True]}, 400, "/responses/0"),
    # missing and unknown fields
    ("/v1/reward", {}, 400, "/groups"),
    ("/v1/reward", {"groups": [{}]}, 400, "/groups/0/views"),
    ("/v1/reward", {"groups": [{"views": [{}]}]}, 400, "/groups/0/views/0/responses"),
    ("/v1/extract", {}, 400, "/responses"),
    ("/v1/vote", {}, 400, "/groups"),
    ("/v1/reward", {**VALID, "modes": "co_reward"}, 400, "/modes"),
    ("/v1/reward", {"groups": [{"views": [{"responses": [], "weights": []}]}]}, 400, "/groups/0/views/0/weights"),
    ("/v1/vote", {"groups": [{"responses": [], "a/b~c": 1}]}, 400, "/groups/0/a~1b~0c"),
    # shapes the modes cannot score
    ("/v1/reward", {"groups": [{"views": [{"responses": ["\\boxed{1}"]}]}]}, 400, "/groups/0/views"),
    ("/v1/reward", {"groups": [{"views": []}]}, 400, "/groups/0/views"),
    ("/v1/reward", {"groups": [{"views": [{"responses": ["a"]}, {"responses": []}]}]}, 400,
     "/groups/0/views/1/responses"),
    ("/v1/reward", {**VALID, "mode": "ground_truth"}, 400, "/groups/0/label"),
    ("/v1/equivalent", {"pairs": [{"a": "1"}]}, 400, "/pairs/0/b"),
    ("/v1/equivalent", {"pairs": [{"a": "1", "b": 2}]}, 400, "/pairs/0/b"),
    ("/v1/equivalent", {"pairs": "x"}, 400, "/pairs"),
    ("/v1/equivalent", {"pairs": [], "equivalence": "approximate"}, 400, "/equivalence"),
    ("/v1/equivalent", {"pairs": [{"a": "1", "b": "1", "c": "1"}]}, 400, "/pairs/0/c"),
])
def test_bad_request_gets_a_problem(server, path, body, status, pointer):
    response = server.post(path, body)
    found = problem(status, response)
    if pointer is not None:
        assert found["pointer"] == pointer, found
    assert server.get("/healthz").status_code == 200


def test_unknown_route_is_404(server):
    problem(404, server.get("/v2/reward"))
    problem(404, server.post("/v1/rewards", VALID))


@pytest.mark.parametrize("method, path, allow", [
    ("GET", "/v1/reward", "POST"),
    ("PUT", "/v1/vote", "POST"),
    ("POST", "/healthz", "GET, HEAD"),
    ("DELETE", "/v1/info", "GET, HEAD"),
])
def test_wrong_method_is_405_with_allow(server, method, path, allow):
    response = server.session.request(method, server.url + path, timeout=30)
    problem(405, response)
    assert response.headers["Allow"] == allow


def test_wrong_content_type_is_415(server):
    response = server.post("/v1/reward", json.dumps(VALID), headers={"Content-Type": "text/plain"})
    problem(415, response)
    # a JSON body without any Content-Type is accepted; +json and a charset are fine
    ok = server.session.post(server.url + "/v1/reward", data=json.dumps(VALID).encode(), timeout=30)
    assert ok.status_code == 200
    assert server.post("/v1/reward", VALID, headers={"Content-Type": "application/json; charset=utf-8"}).ok


def test_limits_name_their_field(start_server):
    small = start_server("--max-groups", "2", "--max-views", "2", "--max-rollouts", "3",
                         "--max-response-bytes", "100")
    group = VALID["groups"][0]
    found = problem(413, small.post("/v1/reward", {"groups": [group] * 3}))
    assert found["pointer"] == "/groups"
    found = problem(413, small.post("/v1/reward", {"groups": [{"views": [group["views"][0]] * 3}]}))
    assert found["pointer"] == "/groups/0/views"
    found = problem(413, small.post("/v1/reward", {"groups": [{"views": [{"responses": ["a"] * 4}] * 2}]}))
    assert found["pointer"] == "/groups/0/views/0/responses"
    found = problem(413, small.post("/v1/extract", {"responses": ["x" * 101]}))
    assert found["pointer"] == "/responses/0"
    assert small.post("/v1/extract", {"responses": ["x" * 100]}).status_code == 200


def test_body_just_over_the_limit_is_413(start_server):
    limit = 4096
    small = start_server("--max-body-bytes", str(limit))
    at_limit = json.dumps({"responses": ["x" * (limit - 20)]})
    at_limit = at_limit[:-3] + " " * (limit - len(at_limit)) + at_limit[-3:]
    assert len(at_limit) == limit
    assert small.post("/v1/extract", at_limit).status_code == 200
    over = at_limit[:-3] + " " + at_limit[-3:]
    assert len(over) == limit + 1
    problem(413, small.post("/v1/extract", over))
    assert small.get("/healthz").status_code == 200


def test_a_chunked_body_is_411_naming_content_length(start_server):
    """Chunked uploads are refused on their headers (issue 14: libmicrohttpd answered bad chunk syntax in HTML and
    waited out a 2^64-byte chunk); every client coreward serves sends a Content-Length, and nginx in front turns a
    chunked upload into one."""
    small = start_server("--max-body-bytes", "1000")
    with socket.create_connection(("127.0.0.1", small.port), timeout=10) as raw:
        raw.sendall(b"POST /v1/extract HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Transfer-Encoding: chunked\r\n\r\n")
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 411 ")
    assert b"application/problem+json" in head
    assert "Content-Length" in json.loads(body)["detail"]
    assert small.get("/healthz").status_code == 200


def test_truncated_body_on_the_wire(start_server):
    """A body shorter than its Content-Length is cut off cleanly (by the end of the stream or, at the
    latest, the connection timeout), never answered with a 5xx."""
    server = start_server("--connection-timeout-seconds", "2")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as raw:
        raw.sendall(b"POST /v1/reward HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100\r\n\r\n{\"groups\": [")
        raw.shutdown(socket.SHUT_WR)
        answer = raw.recv(65536)
        assert not answer.startswith(b"HTTP/1.1 5")
    assert server.get("/healthz").status_code == 200


def test_nul_bytes_and_absurd_latex_are_answers_like_any_other(server):
    responses = ["\\boxed{a\u0000b}", "\\boxed{" * 5000 + "}" * 5000, "\\boxed{" + "{" * 100000, "\u0000" * 1000]
    body = server.post("/v1/extract", {"responses": responses}).json()
    assert body["answers"][0]["answer"] == "a\u0000b"
    assert body["answers"][1]["answer"] == ""  # the last \\boxed is the innermost, and it is empty
    assert body["answers"][2] is None
    assert body["answers"][3] is None


def test_health_and_readiness(server):
    assert server.get("/healthz").json() == {"status": "ok"}
    assert server.get("/readyz").json() == {"status": "ready"}
    info = server.get("/v1/info").json()
    assert info["name"] == "coreward"
    assert info["defaults"]["equivalence"] == "math"
    assert info["limits"]["max_body_bytes"] > 0


def test_huge_inputs_are_refused_by_their_limits(server):
    found = problem(413, server.post("/v1/extract", {"responses": ["\\boxed{1}"] * 100_000}))
    assert found["pointer"] == "/responses"
    ten_megabytes = "x" * (10 * 1024 * 1024) + "\\boxed{5}"
    found = problem(413, server.post("/v1/reward", {"groups": [{"views": [{"responses": [ten_megabytes]},
                                                                           {"responses": ["\\boxed{5}"]}]}]}))
    assert found["pointer"] == "/groups/0/views/0/responses/0"
    found = problem(413, server.post("/v1/equivalent", {"pairs": [{"a": "1", "b": "1"}] * 10_001}))
    assert found["pointer"] == "/pairs"
    assert server.get("/healthz").status_code == 200


def test_empty_batches_are_fine(server):
    body = server.post("/v1/reward", {"groups": []}).json()
    assert body == {"groups": [], "stats": {"groups": 0, "rollouts": 0, "mean_reward": 0.0, "empty_rate": 0.0,
                                            "views_agree_rate": 0.0, "answer_concentration": 0.0,
                                            "top_answer_share": 0.0, "answer_classes_per_group": 0.0,
                                            "consensus": 0.0, "mean_response_bytes": 0.0, "p10_response_bytes": 0}}
    assert server.post("/v1/vote", {"groups": []}).json() == {"groups": []}
    assert server.post("/v1/extract", {"responses": []}).json() == {"answers": []}
    assert server.post("/v1/equivalent", {"pairs": []}).json() == {"equivalent": []}


@pytest.mark.parametrize("answer", [
    "\\frac{" * 3000 + "1" + "}" * 3000,
    "10^{10^{10^{10^{10}}}}",
    "99999999999!",
    "\\sqrt{" * 500 + "2" + "}" * 500,
    "(" * 20000 + ")" * 20000,
    "1" * 100000,
    "x^{x^{x^{x^{x^{x^{x}}}}}}" * 50,
    "\\begin{pmatrix}" + "1&" * 5000 + "1\\end{pmatrix}",
])
def test_absurd_latex_is_not_equivalent_to_anything_but_itself(server, answer):
    response = server.post("/v1/equivalent", {"pairs": [{"a": answer, "b": answer}, {"a": answer, "b": "1"}]})
    assert response.status_code == 200
    assert response.json()["equivalent"] == [True, False]
    assert float(re.match(r"app;dur=([0-9.]+)", response.headers["Server-Timing"]).group(1)) < 2000
