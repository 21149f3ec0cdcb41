package io.cameleer.sample;

import java.util.Map;

/** A finished span, with what OTLP carries. Times are nanoseconds since the epoch. */
record Span(
        String traceId,
        String spanId,
        String parentSpanId,
        String name,
        int kind,
        long startEpochNanos,
        long endEpochNanos,
        Map<String, Object> attributes,
        String errorMessage) {}
