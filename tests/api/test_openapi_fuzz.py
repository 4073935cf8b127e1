"""schemathesis against the application's own ``/api/openapi.json``, on every backend.

For each documented operation, Hypothesis generates cases that fit the document (positive) and
cases that break it (negative), with a fixed derandomized seed; each is sent through the WSGI app
and must give no 5xx, a documented status and content type, and a body that fits the documented
schema; negative cases must be rejected (4xx). At least 1,000 cases per backend.

Run alone: ``.venv/bin/python -m pytest tests/api/test_openapi_fuzz.py -m "not elasticsearch" -s``
(``-s`` prints the case counts and duration per backend).
"""
from __future__ import annotations

import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_headers_conformance, response_schema_conformance,
                                               status_code_conformance)

from api.app import create_app
from geodata.reference import load_reference
from tests.contract.dataset import contract_population

CASES_PER_OPERATION = {GenerationMode.POSITIVE: 70, GenerationMode.NEGATIVE: 70}
CASES_FOR = {"/api/v1/practitioners": {GenerationMode.POSITIVE: 450, GenerationMode.NEGATIVE: 250}}
MIN_CASES = 1000
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def fuzzed_app(module_backend_factory, generated_population):
    backend = module_backend_factory()
    backend.replace_all(iter(contract_population() + generated_population[:1500]), data_date="2026-10-08", demo=True)
    return create_app({"backend": "sqlite://unused"}, backend=backend, reference=load_reference())


def run_operation(operation, mode: GenerationMode, examples: int, statuses: Counter) -> int:
    sent = 0

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        nonlocal sent
        sent += 1
        response = case.call()
        statuses[response.status_code] += 1
        # 414 (URL too long) rejects a case too, but is not in schemathesis' list of rejection statuses.
        rejecting = mode is GenerationMode.NEGATIVE and response.status_code != 414
        checks = CHECKS + ([negative_data_rejection] if rejecting else [])
        case.validate_response(response, checks=checks)

    check()
    return sent


def test_no_generated_request_breaks_the_openapi_document(fuzzed_app, module_backend_factory):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzzed_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.path for operation in operations} >= {
        "/api/v1/practitioners", "/api/v1/practitioners/{practitioner_id}", "/api/v1/professions",
        "/api/v1/specialties", "/api/v1/health"}
    started = time.monotonic()
    per_operation: Counter = Counter()
    seconds: Counter = Counter()
    statuses: Counter = Counter()
    for operation in operations:
        operation_started = time.monotonic()
        for mode, examples in CASES_FOR.get(operation.path, CASES_PER_OPERATION).items():
            if mode is GenerationMode.NEGATIVE and not (list(operation.query) or list(operation.path_parameters)):
                continue  # nothing to break: no parameter
            per_operation[f"{operation.method.upper()} {operation.path}"] += run_operation(operation, mode, examples,
                                                                                          statuses)
        seconds[operation.path] = round(time.monotonic() - operation_started, 1)
    total = sum(per_operation.values())
    print(f"\nschemathesis [{module_backend_factory.kind}]: {total} cases in {time.monotonic() - started:.1f} s; "
          f"statuses {dict(sorted(statuses.items()))}; cases {dict(per_operation)}; seconds {dict(seconds)}")
    assert total >= MIN_CASES
    assert all(status < 500 for status in statuses)
