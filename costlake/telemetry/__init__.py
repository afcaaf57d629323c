"""Telemetry: AI usage sent as OpenTelemetry (GenAI semantic conventions), priced with a model
price table and stored as FOCUS rows of the org's ``otel`` source (``otlp``, ``protobuf``,
``prices``, ``service``); and unit-metric streams in the metadata database with the cost per
unit they give (``records``, ``streams``, ``streams_repository``, ``unitcost``)."""
