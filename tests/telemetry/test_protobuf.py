"""OTLP protobuf bodies read as the JSON ones: the same uses from the same telemetry, and
malformed bytes refused."""

from __future__ import annotations

from datetime import datetime

import pytest

from costlake.errors import InvalidInput
from costlake.telemetry.otlp import usage_of
from costlake.telemetry.protobuf import request_of
from tests.telemetry import protowire
from tests.telemetry.payloads import span, token_metric, traces

AT = datetime(2025, 1, 15, 10, 30)


class TestProtobuf:
    def test_spans_read_as_their_json(self) -> None:
        doc = traces(
            span("00000000000000a1", AT, "gpt-4o", 1200, 300, user_email="ana@acme.io"),
            span("00000000000000a2", AT, "o3", 7, 9, project_id="proj_1"),
        )
        assert usage_of(request_of(protowire.traces(doc), "traces")) == usage_of(doc)

    def test_token_metrics_read_as_their_json(self) -> None:
        doc = token_metric(datetime(2025, 1, 15, 9), AT, {"input": 1000, "output": 250})
        got = usage_of(request_of(protowire.metrics(doc), "metrics"))
        assert got == usage_of(doc) and len(got) == 2

    def test_an_empty_request_has_no_uses(self) -> None:
        assert request_of(b"", "metrics") == {"resourceMetrics": []}
        assert usage_of(request_of(b"", "traces")) == []

    def test_ids_are_hex_as_in_otlp_json(self) -> None:
        doc = traces(span("00000000000000a1", AT, "gpt-4o", 1, 1))
        got = request_of(protowire.traces(doc), "traces")
        read = got["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        assert (read["traceId"], read["spanId"]) == ("5b8efff798038103d269b633813fc60c",
                                                     "00000000000000a1")  # fmt: skip

    @pytest.mark.parametrize("body", [b"\x0a\x05\x01", b"\x0a", b"\x07\x01", b"\x0a\x80"])
    def test_malformed_bytes_are_refused(self, body: bytes) -> None:
        with pytest.raises(InvalidInput, match="protobuf"):
            request_of(body, "traces")
