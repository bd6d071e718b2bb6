"""api/openapi.yaml is a valid OpenAPI 3.1 document, and the live server's answers match it."""
import copy

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate

import subprocess

from conftest import BINARY, REPO

SPEC = yaml.safe_load((REPO / "api" / "openapi.yaml").read_text())


def schema_for(node):
    """A self-contained JSON Schema (2020-12) for a spec node: components ride along for $refs."""
    schema = copy.deepcopy(node)
    schema["components"] = SPEC["components"]
    return schema


def check(response, operation):
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"status {response.status_code} is not in the spec: {response.text}"
    if "$ref" in declared:
        declared = SPEC["components"]["responses"][declared["$ref"].split("/")[-1]]
    media = response.headers["Content-Type"]
    assert media in declared["content"], f"{media} not declared for {response.status_code}"
    schema = schema_for(declared["content"][media]["schema"])
    body = response.json() if "json" in media else response.text
    jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_spec_is_valid_openapi_3_1():
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


EXAMPLES = [(path, name, example["value"])
            for path, item in SPEC["paths"].items() if "post" in item
            for name, example in item["post"]["requestBody"]["content"]["application/json"]["examples"].items()]


@pytest.mark.parametrize("path, name, body", EXAMPLES, ids=[f"{p}:{n}" for p, n, _ in EXAMPLES])
def test_examples_get_answers_that_match_their_schema(server, path, name, body):
    operation = SPEC["paths"][path]["post"]
    jsonschema.validate(body, schema_for(operation["requestBody"]["content"]["application/json"]["schema"]),
                        cls=jsonschema.Draft202012Validator)
    response = server.post(path, body)
    assert response.status_code == 200, response.text
    check(response, operation)


@pytest.mark.parametrize("path", [p for p, item in SPEC["paths"].items() if "get" in item and "{" not in p])
def test_get_routes_match_their_schema(server, path):
    response = server.get(path)
    assert response.status_code == 200
    check(response, SPEC["paths"][path]["get"])


@pytest.mark.parametrize("path, body", [
    ("/v1/reward", b"{"),
    ("/v1/reward", {"groups": [{"views": [{"responses": [1]}]}]}),
    ("/v1/vote", {"groups": "x"}),
    ("/v1/extract", {"responses": ["a"], "extra": 1}),
])
def test_errors_match_the_problem_schema(server, path, body):
    response = server.post(path, body)
    assert 400 <= response.status_code < 500
    check(response, SPEC["paths"][path]["post"])


def test_wrong_method_matches_the_spec(server):
    response = server.session.put(server.url + "/v1/reward", timeout=30)
    check(response, SPEC["paths"]["/v1/reward"]["post"])


def test_the_server_routes_are_exactly_the_specs():
    """`coreward routes` prints the router's table: it must equal the spec's paths and methods."""
    printed = subprocess.run([str(BINARY), "routes"], check=True, capture_output=True, text=True).stdout.split("\n")
    served = {tuple(line.split(" ", 1)) for line in printed if line.strip()}
    declared = {(method.upper(), path) for path, item in SPEC["paths"].items() for method in item}
    assert served == declared


def test_every_route_in_the_spec_is_served(server):
    for path, item in SPEC["paths"].items():
        for method in item:
            response = server.session.request(method.upper(), server.url + path, timeout=30)
            if "{" in path:  # a template: served, so a 404 says the parameter names nothing, not that the route is unknown
                assert "no route" not in response.text, f"{method.upper()} {path} is in the spec but not served"
                continue
            assert response.status_code != 404, f"{method.upper()} {path} is in the spec but not served"
    for path in ["/", "/v1", "/v1/rewards", "/metrics/extra"]:
        assert server.get(path).status_code == 404
