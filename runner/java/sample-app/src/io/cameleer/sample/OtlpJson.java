package io.cameleer.sample;

import java.util.List;
import java.util.Map;

/** OTLP/JSON encoding of spans (ids as hex, 64-bit integers as strings, enums as numbers). */
final class OtlpJson {
    static final String scopeName = "camel";
    static final String scopeVersion = "4.8.0-cameleer-sample";

    private OtlpJson() {}

    static String traces(Map<String, String> resource, List<Span> spans) {
        StringBuilder json = new StringBuilder(256 + spans.size() * 512);
        json.append("{\"resourceSpans\":[{\"resource\":{\"attributes\":");
        attributes(json, resource);
        json.append("},\"scopeSpans\":[{\"scope\":{\"name\":");
        string(json, scopeName);
        json.append(",\"version\":");
        string(json, scopeVersion);
        json.append("},\"spans\":[");
        for (int i = 0; i < spans.size(); i++) {
            if (i > 0) json.append(',');
            span(json, spans.get(i));
        }
        return json.append("]}]}]}").toString();
    }

    private static void span(StringBuilder json, Span span) {
        json.append("{\"traceId\":\"").append(span.traceId()).append("\",\"spanId\":\"").append(span.spanId());
        json.append("\",\"parentSpanId\":\"").append(span.parentSpanId()).append("\",\"name\":");
        string(json, span.name());
        json.append(",\"kind\":").append(span.kind());
        json.append(",\"startTimeUnixNano\":\"").append(span.startEpochNanos());
        json.append("\",\"endTimeUnixNano\":\"").append(span.endEpochNanos()).append("\",\"attributes\":");
        attributes(json, span.attributes());
        json.append(",\"status\":{");
        if (span.errorMessage() != null) {
            json.append("\"code\":2,\"message\":");
            string(json, span.errorMessage());
        }
        json.append("}}");
    }

    private static void attributes(StringBuilder json, Map<String, ?> attributes) {
        json.append('[');
        boolean first = true;
        for (Map.Entry<String, ?> entry : attributes.entrySet()) {
            if (!first) json.append(',');
            first = false;
            json.append("{\"key\":");
            string(json, entry.getKey());
            json.append(",\"value\":");
            Object value = entry.getValue();
            if (value instanceof Integer || value instanceof Long) {
                json.append("{\"intValue\":\"").append(value).append("\"}");
            } else if (value instanceof Boolean) {
                json.append("{\"boolValue\":").append(value).append('}');
            } else if (value instanceof Double || value instanceof Float) {
                json.append("{\"doubleValue\":").append(value).append('}');
            } else {
                json.append("{\"stringValue\":");
                string(json, String.valueOf(value));
                json.append('}');
            }
            json.append('}');
        }
        json.append(']');
    }

    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
                    else json.append(c);
                }
            }
        }
        json.append('"');
    }
}
