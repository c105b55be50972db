"""The API against its own OpenAPI schema (schemathesis): generated requests, valid and invalid, as a sector admin
with a token. No answer is a server error, and every answer matches the schema it documents."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from core.testing import CastTestCase

EXAMPLES = 15  # per operation and mode: bounded, derandomized, so CI takes seconds and the same cases each run


class ApiFuzzTest(CastTestCase):
    def setUp(self):
        # The requests go through Django's WSGI handler in this thread and transaction; like the test client, keep
        # it from closing the test's database connection at the start and end of each request.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)

    def test_no_server_error_and_no_schema_violation(self):
        import schemathesis
        from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
        from schemathesis.generation import GenerationMode

        token = Token.objects.create(user=self.users["sector_admin"]).key
        headers = {"Authorization": f"Token {token}"}
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler(), headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 14)
        calls = []
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck))  # fmt: skip
                def run(case):
                    case.call_and_validate(
                        headers=headers,
                        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
                    )
                    calls.append(case.operation.label)

                with self.subTest(operation=operation.label, mode=mode.value):
                    run()
        self.assertGreater(len(calls), 100)
