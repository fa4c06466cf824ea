"""Schemathesis against the live /api/v1/openapi.json: every operation, with data the schema allows and
data it does not. No answer is a 500, every status and body is the one documented.

schemathesis's pytest plugin does not load under this pytest, so its Python API drives hypothesis
here, in an ordinary test with a bounded number of examples per operation."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES_PER_OPERATION = 40


def test_the_description_is_openapi_3_1_with_bearer_keys(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key: dpk_<prefix>_<secret>",
    }
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    assert ("GET", "/api/v1/polls") in operations and (
        "POST",
        "/api/v1/comments/{comment_id}/reject",
    ) in operations
    assert len(operations) == 13
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"401", "422", "429"} <= set(operation["responses"]), (method, path)
            assert "default" not in operation["responses"]


def exercise(operation, headers: dict, known: dict, statuses: Counter) -> None:
    """Bounded examples of one operation, valid and invalid, each answer checked; some of them at the
    address of a stored poll or comment (``known``), so that the views behind the 404s are reached."""
    strategies = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    stored = {name: value for name, value in known.items() if f"{{{name}}}" in operation.path}
    if stored:
        strategies += [
            operation.as_strategy(generation_mode=mode, path_parameters=stored) for mode in GenerationMode
        ]
    cases = st.one_of(strategies)

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case):
        case.headers = {**(case.headers or {}), **headers}
        response = case.call()
        statuses[response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.slow
def test_every_operation_against_schemathesis(app, make_poll, make_comment, make_key):
    make_poll()
    comment_ids = [make_comment(f"Comment {n} for the checks.") for n in range(3)]
    known = {"slug": "test-poll", "comment_id": comment_ids[0]}
    keys = {"polls": bearer(make_key("polls")), "comments": bearer(make_key("moderate"))}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    statuses: Counter = Counter()
    for operation in operations:
        key = keys["comments" if operation.path.startswith("/api/v1/comments") else "polls"]
        exercise(operation, key, known, statuses)
    # The run reached the views, not only the doors: successes as well as refusals.
    assert statuses[200] and statuses[422] and statuses[404], statuses


def test_the_paths_are_described_when_first_asked_for_and_once(app, client):
    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    assert api.spec.to_dict()["paths"] == {}  # making the app did not pay for the description
    first = client.get("/api/v1/openapi.json").get_json()
    assert client.get("/api/v1/openapi.json").get_json() == first
    assert len(first["paths"]) == 11 and [tag["name"] for tag in first["tags"]] == ["api_v1"]


def test_the_default_responses_wait_for_the_description_and_are_flask_smorests_own(app, client):
    """KeyedApi registers flask-smorest's default response of each status when the description is first
    asked for (a private method, noted beside the pin); they must be the very ones a stock Api registers
    when its app is made."""
    from flask import Flask
    from flask_smorest import Api

    from poll.api import KeyedApi

    def responses(components) -> dict:
        return components.responses_lazy | components.responses

    api = app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    assert responses(api.spec.components) == {}
    client.get("/api/v1/openapi.json")

    class StockApi(Api):
        ERROR_SCHEMA = KeyedApi.ERROR_SCHEMA

    stock_app = Flask(__name__)
    stock_app.config |= {"API_TITLE": "t", "API_VERSION": "1", "OPENAPI_VERSION": "3.1.0"}
    stock = StockApi(stock_app)
    assert len(responses(stock.spec.components)) > 60
    assert responses(api.spec.components) == responses(stock.spec.components)


def test_the_api_answers_its_own_errors_in_json_and_leaves_the_pages_html_ones_to_the_app(client):
    """flask-smorest registers an app-wide handler answering every HTTP error in JSON; create_app
    registers the app's own after it (poll.web.errors), which answers the API's in JSON and every
    other page's in HTML."""
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.content_type.startswith("text/html")
    call = client.get("/api/v1/no-such-thing")
    assert call.status_code == 404 and call.get_json()["message"] == "There is nothing at this address."
