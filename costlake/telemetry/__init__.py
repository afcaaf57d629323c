"""AI usage sent as OpenTelemetry (GenAI semantic conventions), priced with a model price
table and stored as FOCUS rows of the org's ``otel`` source."""
