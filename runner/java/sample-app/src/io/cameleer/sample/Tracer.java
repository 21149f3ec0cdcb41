package io.cameleer.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Just enough of an OpenTelemetry tracer for the sample routes: W3C-sized ids (16-byte trace,
 * 8-byte span, hex), explicit parents, and finished spans handed to the exporter (none when
 * telemetry is off). Camel spans take camel-opentelemetry2's shape: `op` EVENT_RECEIVED for a route
 * an exchange enters, EVENT_SENT for a send, with `camel.uri`, `component`, `url.scheme`, `url.path`.
 */
final class Tracer {
    /** OTLP SpanKind values. */
    static final int INTERNAL = 1;
    static final int SERVER = 2;
    static final int CLIENT = 3;
    static final int PRODUCER = 4;
    static final int CONSUMER = 5;

    private final OtlpExporter exporter;
    private final Sampler sampler = Sampler.fromEnv();

    Tracer(OtlpExporter exporter) {
        this.exporter = exporter;
    }

    /** Starts a span; a null parent starts a new trace. */
    Active start(String name, int kind, Active parent) {
        return new Active(name, kind, parent);
    }

    /** The span of a route an exchange enters, named and described by the route's `from` endpoint. */
    Active received(String name, int kind, String uri, Active parent) {
        return camel(name, kind, "EVENT_RECEIVED", uri, parent);
    }

    /** The span of a send to an endpoint, a child of the span on top of the exchange. */
    Active sent(String name, int kind, String uri, Active parent) {
        return camel(name, kind, "EVENT_SENT", uri, parent);
    }

    private Active camel(String name, int kind, String op, String uri, Active parent) {
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? uri : uri.substring(0, colon);
        int start = colon + 1;
        while (start < uri.length() && uri.charAt(start) == '/') start++;
        int query = uri.indexOf('?');
        String path = uri.substring(Math.min(start, uri.length()), query < 0 ? uri.length() : query);
        return start(name, kind, parent)
                .attr("op", op)
                .attr("component", "camel-" + scheme)
                .attr("url.scheme", scheme)
                .attr("url.path", path)
                .attr("camel.uri", uri);
    }

    final class Active {
        final String traceId;
        final String spanId;
        private final String parentSpanId;
        private final String name;
        private final int kind;
        private final long startEpochNanos;
        private final long startTicks;
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private String errorMessage;
        private boolean ended;
        /** Decided at the root from its trace id (OTEL_TRACES_SAMPLER), inherited by every child. */
        private final boolean sampled;

        private Active(String name, int kind, Active parent) {
            this.traceId = parent == null ? randomHex(16) : parent.traceId;
            this.sampled = parent == null ? sampler.sampleRoot(traceId) : parent.sampled;
            this.spanId = randomHex(8);
            this.parentSpanId = parent == null ? "" : parent.spanId;
            this.name = name;
            this.kind = kind;
            Instant now = Instant.now();
            this.startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            this.startTicks = System.nanoTime();
        }

        Active attr(String key, Object value) {
            attributes.put(key, value);
            return this;
        }

        /** Marks the span failed (OTLP status code 2) with the reason. */
        Active fail(String message) {
            errorMessage = message == null ? "error" : message;
            if (attributes.containsKey("op")) attributes.put("error", "true");
            return this;
        }

        void end() {
            if (ended) return;
            ended = true;
            if (exporter == null || !sampled) return;
            long end = startEpochNanos + Math.max(1, System.nanoTime() - startTicks);
            exporter.export(new Span(
                    traceId, spanId, parentSpanId, name, kind, startEpochNanos, end, attributes, errorMessage));
        }
    }

    /** Random non-zero id of `bytes` bytes as lowercase hex (an all-zero id is invalid in OTLP). */
    static String randomHex(int bytes) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder hex = new StringBuilder(bytes * 2);
        boolean zero = true;
        for (int i = 0; i < bytes; i++) {
            int b = random.nextInt(256);
            if (i == bytes - 1 && zero && b == 0) b = 1;
            if (b != 0) zero = false;
            hex.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
        }
        return hex.toString();
    }
}
