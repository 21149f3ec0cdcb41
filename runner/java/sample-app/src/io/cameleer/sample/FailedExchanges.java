package io.cameleer.sample;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The agent side of failed exchanges (docs/observability.md, "Failed exchanges and replay"): on a
 * failed exchange, keep the original (unredacted, in memory only, bounded: {@link OriginalExchanges})
 * for a replay, and report a redacted, size-capped copy to the runner's intake at
 * `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/failed-exchanges` with the agent token of OTEL_EXPORTER_OTLP_HEADERS.
 * Reports are queued and sent by a daemon thread, so a request never waits on them; a full queue or
 * a refusing intake drops them with a log line.
 */
final class FailedExchanges {
    static final int bodyCap = 64 * 1024;
    static final int headersCap = 8 * 1024;
    static final int stackCap = 4096;
    static final int messageCap = 2048;

    private static volatile FailedExchanges installed;
    private static final SecureRandom random = new SecureRandom();

    private final URI reportUrl;
    private final String agentToken;
    private final Redactor redactor = Redactor.fromEnv();
    private final OriginalExchanges originals = new OriginalExchanges();
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(256);
    private volatile int replayPort;
    private ReplayServer replayServer;

    private FailedExchanges(URI reportUrl, String agentToken) {
        this.reportUrl = reportUrl;
        this.agentToken = agentToken;
        Thread worker = new Thread(this::send, "failed-exchange-reporter");
        worker.setDaemon(true);
        worker.start();
    }

    /** Starts capture and the replay endpoint when the app has an OTLP endpoint and an agent token. */
    static void install(int appPort) {
        String base = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
        String token = agentToken(System.getenv("OTEL_EXPORTER_OTLP_HEADERS"));
        if (base == null || base.isBlank() || token == null) return;
        FailedExchanges capture = new FailedExchanges(URI.create(base.replaceAll("/+$", "") + "/v1/failed-exchanges"), token);
        try {
            capture.replayServer = ReplayServer.start(capture, appPort, loopbackOnly(base));
            capture.replayPort = capture.replayServer.port();
            capture.queue.offer("{\"agent\":{\"replayPort\":" + capture.replayPort + "},\"exchanges\":[]}");
        } catch (IOException e) {
            SampleApp.log("WARN", "replay endpoint did not start: " + e.getMessage() + "; failed exchanges are reported only");
        }
        installed = capture;
    }

    static FailedExchanges installed() {
        return installed;
    }

    String agentToken() {
        return agentToken;
    }

    OriginalExchanges originals() {
        return originals;
    }

    /** `?fail=transient`: a downstream outage that is over by the time the exchange is replayed. */
    static boolean failsUnlessReplayed(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        return query != null && ("&" + query + "&").contains("&fail=transient&")
                && !exchange.getRequestHeaders().containsKey(ReplayServer.replayOfHeader);
    }

    /** The app's hook: an exchange of `routeId` failed sending to `failedEndpoint`. Never throws. */
    static void failed(HttpExchange exchange, String routeId, String fromUri, String failedEndpoint, Throwable error,
            String traceId, String spanId) {
        FailedExchanges capture = installed;
        if (capture == null) return;
        try {
            capture.capture(exchange, routeId, fromUri, failedEndpoint, error, traceId, spanId);
        } catch (RuntimeException | IOException e) {
            SampleApp.log("WARN", "failed exchange not captured: " + e);
        }
    }

    private void capture(HttpExchange exchange, String routeId, String fromUri, String failedEndpoint, Throwable error,
            String traceId, String spanId) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(OriginalExchanges.maxBodyBytes + 1);
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(", ", values)));
        String replayOf = headers.getOrDefault(ReplayServer.replayOfHeader, "");
        String exchangeId = ReplayServer.ownExchangeId(headers.get(ReplayServer.exchangeIdHeader));
        if (exchangeId == null) exchangeId = newExchangeId();
        ReplayServer.failedAs(exchangeId, error);
        if (replayOf.isEmpty()) {
            URI uri = exchange.getRequestURI();
            Map<String, List<String>> raw = new LinkedHashMap<>(exchange.getRequestHeaders());
            originals.keep(new OriginalExchanges.Original(exchangeId, exchange.getRequestMethod(), uri.getRawPath(),
                    uri.getRawQuery(), raw, body));
        }
        queue.offer(report(exchangeId, routeId, fromUri, failedEndpoint, error, traceId, spanId, headers, body, replayOf));
    }

    private String report(String exchangeId, String routeId, String fromUri, String failedEndpoint, Throwable error,
            String traceId, String spanId, Map<String, String> headers, byte[] body, String replayOf) {
        Redactor r = redactor.fresh();
        headers.remove(ReplayServer.exchangeIdHeader);
        Map<String, String> masked = r.headers(headers);
        boolean headersTruncated = false;
        Map<String, String> kept = new LinkedHashMap<>();
        int headerBytes = 0;
        for (Map.Entry<String, String> h : masked.entrySet()) {
            int size = utf8(h.getKey()) + utf8(h.getValue());
            if (headerBytes + size > headersCap) {
                headersTruncated = true;
                continue;
            }
            headerBytes += size;
            kept.put(h.getKey(), h.getValue());
        }
        // Redact a window twice the cap, then cut: a secret cut in half at the cap is past what is sent.
        String text = new String(body, 0, Math.min(body.length, 2 * bodyCap), StandardCharsets.UTF_8);
        String maskedBody = r.body(text);
        String redacted = cut(maskedBody, bodyCap);
        boolean bodyTruncated = body.length > OriginalExchanges.maxBodyBytes || utf8(maskedBody) > bodyCap
                || body.length > 2 * bodyCap;
        String message = error.getMessage() == null ? "" : r.body(error.getMessage());
        String json = "{\"agent\":{\"replayPort\":" + replayPort + "},\"exchanges\":[{"
                + "\"exchangeId\":" + ExchangeJson.quote(exchangeId)
                + ",\"time\":" + ExchangeJson.quote(Instant.now().toString())
                + ",\"routeId\":" + ExchangeJson.quote(routeId)
                + ",\"fromUri\":" + ExchangeJson.quote(fromUri)
                + ",\"failedEndpoint\":" + ExchangeJson.quote(failedEndpoint)
                + ",\"exception\":{\"type\":" + ExchangeJson.quote(error.getClass().getName())
                + ",\"message\":" + ExchangeJson.quote(cutChars(message, messageCap))
                + ",\"stackTrace\":" + ExchangeJson.quote(cutChars(r.body(stackTrace(error)), stackCap)) + "}"
                + ",\"headers\":" + ExchangeJson.object(kept)
                + ",\"headersTruncated\":" + headersTruncated
                + ",\"body\":" + ExchangeJson.quote(redacted)
                + ",\"bodyTruncated\":" + bodyTruncated
                + ",\"bodySize\":" + body.length
                + ",\"redactions\":" + r.count()
                + ",\"traceId\":" + ExchangeJson.quote(traceId == null ? "" : traceId)
                + ",\"spanId\":" + ExchangeJson.quote(spanId == null ? "" : spanId)
                + ",\"replayOf\":" + ExchangeJson.quote(replayOf)
                + "}]}";
        return replayPort == 0 ? json.replace("{\"agent\":{\"replayPort\":0},", "{") : json;
    }

    private void send() {
        boolean failing = false;
        while (true) {
            String json;
            try {
                json = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            int status = post(json);
            if (status / 100 != 2 && !failing) {
                SampleApp.log("WARN", "failed exchange report refused by " + reportUrl + " (" + status + ")");
            }
            failing = status / 100 != 2;
        }
    }

    private int post(String json) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                HttpURLConnection c = (HttpURLConnection) reportUrl.toURL().openConnection();
                c.setRequestMethod("POST");
                c.setDoOutput(true);
                c.setConnectTimeout(2_000);
                c.setReadTimeout(5_000);
                c.setRequestProperty("Content-Type", "application/json");
                c.setRequestProperty("Authorization", "Bearer " + agentToken);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(json.getBytes(StandardCharsets.UTF_8));
                }
                int status = c.getResponseCode();
                c.disconnect();
                if (status != 429 && status < 500) return status;
            } catch (IOException e) {
                // the runner is restarting: retried below
            }
            try {
                Thread.sleep(500L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
        return 0;
    }

    static String newExchangeId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        StringBuilder id = new StringBuilder("ID-");
        for (byte b : bytes) id.append(String.format("%02x", b));
        return id.toString();
    }

    private static String agentToken(String otlpHeaders) {
        if (otlpHeaders == null) return null;
        for (String pair : otlpHeaders.split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 0 || !pair.substring(0, eq).trim().equalsIgnoreCase("authorization")) continue;
            String value = URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8);
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) return value.substring(7).trim();
        }
        return null;
    }

    /** Loopback when the runner is reached on loopback (a process); else the pod's or container's own interfaces. */
    private static boolean loopbackOnly(String base) {
        String host = URI.create(base).getHost();
        return host != null && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String cutChars(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** At most `maxBytes` of UTF-8, cut on a character boundary. */
    static String cut(String s, int maxBytes) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) return s;
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) end--;
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
