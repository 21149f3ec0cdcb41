package io.cameleer.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app's span exporter, configured like an OpenTelemetry SDK from the standard environment:
 * OTEL_EXPORTER_OTLP_ENDPOINT (spans go to `<endpoint>/v1/traces`, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * as given), OTEL_EXPORTER_OTLP_HEADERS (`k=v,k2=v2`, values URL-encoded), OTEL_SERVICE_NAME and
 * OTEL_RESOURCE_ATTRIBUTES. Sends OTLP/HTTP JSON.
 *
 * Spans are queued and sent by a daemon thread every 500 ms or 100 spans, so a request never waits
 * on telemetry; when the queue is full or the endpoint refuses or is down, spans are dropped and
 * counted (as an SDK's batch processor does), with one log line when that starts and one when it
 * recovers.
 */
final class OtlpExporter {
    private static final int maxBatch = 100;
    private static final long flushEveryMs = 500;
    private static final int queueCapacity = 4096;
    private static final int attempts = 3;

    private final URI tracesUrl;
    private final Map<String, String> headers;
    private final Map<String, String> resource;
    private final BlockingQueue<Span> queue = new ArrayBlockingQueue<>(queueCapacity);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Thread worker;
    private volatile boolean running = true;
    private boolean failing;

    private OtlpExporter(URI tracesUrl, Map<String, String> headers, Map<String, String> resource) {
        this.tracesUrl = tracesUrl;
        this.headers = headers;
        this.resource = resource;
        this.worker = new Thread(this::run, "otlp-span-exporter");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** The exporter the environment asks for, or null when no OTLP endpoint is configured. */
    static OtlpExporter fromEnv(String serviceVersion) {
        String traces = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        String base = env("OTEL_EXPORTER_OTLP_ENDPOINT");
        if (traces == null && base == null) return null;
        if ("none".equalsIgnoreCase(env("OTEL_TRACES_EXPORTER"))) return null;
        String url = traces != null ? traces : base.replaceAll("/+$", "") + "/v1/traces";
        Map<String, String> headers = parsePairs(env("OTEL_EXPORTER_OTLP_HEADERS"));
        headers.putAll(parsePairs(env("OTEL_EXPORTER_OTLP_TRACES_HEADERS")));
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", "sample-app");
        resource.put("service.version", serviceVersion);
        resource.put("telemetry.sdk.name", "cameleer-sample");
        resource.put("telemetry.sdk.language", "java");
        resource.putAll(parsePairs(env("OTEL_RESOURCE_ATTRIBUTES")));
        String service = env("OTEL_SERVICE_NAME");
        if (service != null) resource.put("service.name", service);
        return new OtlpExporter(URI.create(url), headers, resource);
    }

    /** Queues a finished span; never blocks. */
    void export(Span span) {
        if (!queue.offer(span)) dropped.incrementAndGet();
    }

    long dropped() {
        return dropped.get();
    }

    long sent() {
        return sent.get();
    }

    /** Sends what is queued, waiting at most `timeoutMs` (at shutdown). */
    void shutdown(long timeoutMs) {
        running = false;
        worker.interrupt();
        try {
            worker.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Span> batch = new ArrayList<>(maxBatch);
        while (running) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(flushEveryMs);
            try {
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    Span span = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (span == null) break;
                    batch.add(span);
                    queue.drainTo(batch, maxBatch - batch.size());
                }
            } catch (InterruptedException e) {
                // shutdown: fall through and flush
            }
            if (!batch.isEmpty()) send(batch);
            batch.clear();
        }
        // Final flush at shutdown.
        queue.drainTo(batch);
        for (int i = 0; i < batch.size(); i += maxBatch) {
            send(batch.subList(i, Math.min(batch.size(), i + maxBatch)));
        }
    }

    private void send(List<Span> batch) {
        byte[] body = OtlpJson.traces(resource, batch).getBytes(StandardCharsets.UTF_8);
        String problem = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                int status = post(body);
                if (status >= 200 && status < 300) {
                    sent.addAndGet(batch.size());
                    if (failing) {
                        failing = false;
                        log("INFO", "otlp exporter: " + tracesUrl + " accepts spans again (dropped so far: "
                                + dropped.get() + ")");
                    }
                    return;
                }
                problem = "HTTP " + status;
                // Retryable as in the OTLP spec: throttled or temporarily unavailable.
                if (status != 429 && status != 502 && status != 503 && status != 504) break;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                break;
            }
            if (!running) break;
            try {
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                break;
            }
        }
        long total = dropped.addAndGet(batch.size());
        if (!failing) {
            failing = true;
            log("WARN", "otlp exporter: dropping spans, " + tracesUrl + " failed (" + problem + "); dropped so far: "
                    + total);
        }
    }

    private int post(byte[] body) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) tracesUrl.toURL().openConnection();
        try {
            connection.setConnectTimeout(2_000);
            connection.setReadTimeout(5_000);
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            connection.setRequestProperty("Content-Type", "application/json");
            for (Map.Entry<String, String> header : headers.entrySet()) {
                connection.setRequestProperty(header.getKey(), header.getValue());
            }
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
            int status = connection.getResponseCode();
            // Drain the answer so the connection can be kept alive.
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                if (in != null) in.readAllBytes();
            }
            return status;
        } finally {
            if (Thread.currentThread().isInterrupted()) connection.disconnect();
        }
    }

    /** `k=v,k2=v2` as the OTel spec writes headers and resource attributes (values URL-encoded). */
    static Map<String, String> parsePairs(String value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (value == null) return pairs;
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) continue;
            String key = URLDecoder.decode(part.substring(0, eq).trim(), StandardCharsets.UTF_8);
            String raw = part.substring(eq + 1).trim().replace("+", "%2B");
            pairs.put(key, URLDecoder.decode(raw, StandardCharsets.UTF_8));
        }
        return pairs;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static void log(String level, String line) {
        System.err.println(Instant.now() + " " + level + " " + line);
        System.err.flush();
    }
}
