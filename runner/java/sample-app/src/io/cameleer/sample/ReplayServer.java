package io.cameleer.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * `POST /replay {"exchangeId", "idempotencyKey"}` on the agent's own port (CAMELEER_REPLAY_PORT, else
 * any free one, announced in every failed-exchange report), authenticated with the deployment's agent
 * token. Re-injects the kept original at its route's start: the app's own consumer endpoint, with
 * the original method, path, query, headers and body, marked as a replay. Answers the outcome; the
 * same idempotency key answers the first outcome again without a second replay.
 */
final class ReplayServer {
    static final String replayOfHeader = "Cameleer-Replay-Of";
    static final String exchangeIdHeader = "Cameleer-Exchange-Id";
    private static final Set<String> restricted = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "te", "trailer", "http2-settings");
    private static final int maxOutcomes = 1000;
    /** The exchange ids of replays in flight, and how each failed (when it did). */
    private static final Map<String, Throwable[]> inflight = new ConcurrentHashMap<>();

    private final FailedExchanges capture;
    private final int appPort;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, CompletableFuture<String>> outcomes = new LinkedHashMap<>();

    private ReplayServer(FailedExchanges capture, int appPort, HttpServer server) {
        this.capture = capture;
        this.appPort = appPort;
        this.server = server;
    }

    static ReplayServer start(FailedExchanges capture, int appPort, boolean loopbackOnly) throws IOException {
        String configured = System.getenv("CAMELEER_REPLAY_PORT");
        int port = configured == null || configured.isBlank() ? 0 : Integer.parseInt(configured.trim());
        InetSocketAddress address = loopbackOnly
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : new InetSocketAddress(port);
        HttpServer server = HttpServer.create(address, 16);
        server.setExecutor(Executors.newFixedThreadPool(2));
        ReplayServer replay = new ReplayServer(capture, appPort, server);
        server.createContext("/replay", replay::handle);
        server.start();
        return replay;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** A replay's exchange id as the replayed request names it, when it is one of ours in flight. */
    static String ownExchangeId(String header) {
        return header != null && inflight.containsKey(header) ? header : null;
    }

    static void failedAs(String exchangeId, Throwable error) {
        Throwable[] slot = inflight.get(exchangeId);
        if (slot != null) slot[0] = error;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!"POST".equals(exchange.getRequestMethod())) {
                answer(exchange, 405, problem(405, "use POST"));
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String expected = "Bearer " + capture.agentToken();
            if (auth == null || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8),
                    expected.getBytes(StandardCharsets.UTF_8))) {
                answer(exchange, 401, problem(401, "send Authorization: Bearer <the deployment's agent token>"));
                return;
            }
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            String exchangeId = ExchangeJson.stringField(body, "exchangeId");
            String key = ExchangeJson.stringField(body, "idempotencyKey");
            if (exchangeId == null || exchangeId.isEmpty()) {
                answer(exchange, 400, problem(400, "exchangeId is required"));
                return;
            }
            answer(exchange, 200, outcome(exchangeId, key == null || key.isEmpty() ? null : key));
        } catch (RuntimeException e) {
            answer(exchange, 500, problem(500, e.toString()));
        }
    }

    /** The first outcome for a key, computed once however often (and however concurrently) it is asked. */
    private String outcome(String exchangeId, String key) {
        if (key == null) return replay(exchangeId);
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> first;
        synchronized (outcomes) {
            first = outcomes.putIfAbsent(key, mine);
            if (outcomes.size() > maxOutcomes) outcomes.remove(outcomes.keySet().iterator().next());
        }
        if (first != null) return first.join();
        try {
            mine.complete(replay(exchangeId));
        } catch (RuntimeException e) {
            // Nothing ran to the end: a retry with the same key may try again.
            synchronized (outcomes) {
                outcomes.remove(key);
            }
            mine.completeExceptionally(e);
        }
        return mine.join();
    }

    private String replay(String exchangeId) {
        OriginalExchanges.Original original = capture.originals().get(exchangeId);
        if (original == null) {
            return "{\"outcome\":\"unavailable\",\"exchangeId\":" + ExchangeJson.quote(exchangeId)
                    + ",\"message\":\"this app no longer holds the original of the exchange (it restarted, the exchange"
                    + " was evicted, or its body was over 1 MiB); the stored copy is redacted and is never replayed\"}";
        }
        String replayId = FailedExchanges.newExchangeId();
        Throwable[] failure = new Throwable[1];
        inflight.put(replayId, failure);
        try {
            String target = "http://127.0.0.1:" + appPort + original.path()
                    + (original.query() == null ? "" : "?" + original.query());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target))
                    .timeout(Duration.ofSeconds(50))
                    .method(original.method(), HttpRequest.BodyPublishers.ofByteArray(original.body()));
            for (Map.Entry<String, List<String>> header : original.headers().entrySet()) {
                if (restricted.contains(header.getKey().toLowerCase())) continue;
                for (String value : header.getValue()) request.header(header.getKey(), value);
            }
            request.header(replayOfHeader, exchangeId).header(exchangeIdHeader, replayId);
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            SampleApp.log("INFO", "replayed exchange " + exchangeId + " as " + replayId + ": " + response.statusCode());
            String head = "{\"exchangeId\":" + ExchangeJson.quote(exchangeId) + ",\"replayExchangeId\":"
                    + ExchangeJson.quote(replayId);
            if (response.statusCode() < 500 && failure[0] == null) return head + ",\"outcome\":\"completed\"}";
            Throwable error = failure[0];
            String type = error == null ? "HTTP " + response.statusCode() : error.getClass().getName();
            String message = error == null || error.getMessage() == null ? "" : error.getMessage();
            return head + ",\"outcome\":\"failed\",\"exceptionType\":" + ExchangeJson.quote(type)
                    + ",\"exceptionMessage\":" + ExchangeJson.quote(message) + "}";
        } catch (IOException e) {
            throw new IllegalStateException("the app did not answer the replay: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            inflight.remove(replayId);
        }
    }

    private static String problem(int status, String detail) {
        return "{\"type\":\"about:blank\",\"title\":\"Replay refused\",\"status\":" + status + ",\"detail\":"
                + ExchangeJson.quote(detail) + "}";
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
                status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
