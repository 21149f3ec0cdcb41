package io.cameleer.testagent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's life after premain, on one daemon thread: exchange the bootstrap token for a session
 * token and telemetry endpoint at CAMELEER_AGENT_REGISTER_URL, then post JVM gauges (heap used,
 * live threads, uptime) as OTLP/HTTP JSON to `<endpoint>/v1/metrics` every 10 s
 * (CAMELEER_AGENT_METRICS_INTERVAL_MS overrides) with the session token. When registration fails
 * it says so once on stderr and uses the token of OTEL_EXPORTER_OTLP_HEADERS and the endpoint of
 * OTEL_EXPORTER_OTLP_ENDPOINT instead.
 */
final class AgentSession implements Runnable {
    private static final Pattern stringField = Pattern.compile("\"(token|endpoint)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String agentVersion;
    private final String bootstrapToken;
    private final String registerUrl;
    private final long intervalMs;
    private String endpoint;
    private String authorization;
    private boolean failing;

    private AgentSession(String agentVersion) {
        this.agentVersion = agentVersion;
        this.bootstrapToken = env("CAMELEER_BOOTSTRAP_TOKEN");
        this.registerUrl = env("CAMELEER_AGENT_REGISTER_URL");
        String interval = env("CAMELEER_AGENT_METRICS_INTERVAL_MS");
        this.intervalMs = interval == null ? 10_000 : Math.max(100, Long.parseLong(interval));
        this.endpoint = env("OTEL_EXPORTER_OTLP_ENDPOINT");
        this.authorization = otlpHeaders().get("authorization");
    }

    /** Starts the session thread when the runner gave a bootstrap token or an OTLP endpoint. */
    static void startFromEnv(String agentVersion) {
        boolean registers = env("CAMELEER_BOOTSTRAP_TOKEN") != null && env("CAMELEER_AGENT_REGISTER_URL") != null;
        if (!registers && env("OTEL_EXPORTER_OTLP_ENDPOINT") == null) return;
        Thread thread = new Thread(new AgentSession(agentVersion), "cameleer-agent");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        if (bootstrapToken != null && registerUrl != null) register();
        if (endpoint == null) return;
        while (true) {
            report();
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void register() {
        String body = "{\"bootstrapToken\":" + quote(bootstrapToken) + ",\"hostname\":" + quote(hostname())
                + ",\"agentVersion\":" + quote(agentVersion) + "}";
        try {
            Response response = post(registerUrl, "Bearer " + bootstrapToken, body);
            if (response.status < 200 || response.status >= 300) {
                throw new IOException("HTTP " + response.status + " " + abbreviate(response.body));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher matcher = stringField.matcher(response.body);
            while (matcher.find()) fields.putIfAbsent(matcher.group(1), unescape(matcher.group(2)));
            String token = fields.get("token");
            if (token == null || token.isEmpty()) throw new IOException("no token in the answer");
            authorization = "Bearer " + token;
            String given = fields.get("endpoint");
            if (given != null && !given.isEmpty()) endpoint = given;
            log("INFO", "cameleer-agent registered (metrics to " + endpoint + ")");
        } catch (IOException | RuntimeException e) {
            log("WARN", "cameleer-agent: registration at " + registerUrl + " failed (" + e.getMessage()
                    + "); using OTEL_EXPORTER_OTLP_HEADERS");
        }
    }

    private void report() {
        String url = endpoint.replaceAll("/+$", "") + "/v1/metrics";
        try {
            Response response = post(url, authorization, metricsJson());
            if (response.status >= 200 && response.status < 300) {
                failing = false;
                return;
            }
            if (!failing) log("WARN", "cameleer-agent: metrics refused by " + url + ": HTTP " + response.status);
        } catch (IOException e) {
            if (!failing) log("WARN", "cameleer-agent: metrics not sent to " + url + ": " + e.getMessage());
        }
        failing = true;
    }

    private String metricsJson() {
        Runtime runtime = Runtime.getRuntime();
        long now = nowNanos();
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        double uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        long start = ManagementFactory.getRuntimeMXBean().getStartTime() * 1_000_000L;
        StringBuilder json = new StringBuilder(1024);
        json.append("{\"resourceMetrics\":[{\"resource\":{\"attributes\":[");
        boolean first = true;
        for (Map.Entry<String, String> attribute : resource().entrySet()) {
            if (!first) json.append(',');
            first = false;
            json.append("{\"key\":").append(quote(attribute.getKey())).append(",\"value\":{\"stringValue\":")
                    .append(quote(attribute.getValue())).append("}}");
        }
        json.append("]},\"scopeMetrics\":[{\"scope\":{\"name\":\"io.cameleer.agent\",\"version\":")
                .append(quote(agentVersion)).append("},\"metrics\":[");
        gauge(json, "jvm.memory.used", "By", "Heap memory in use", "\"asInt\":\"" + heapUsed + "\"", start, now,
                "{\"key\":\"jvm.memory.type\",\"value\":{\"stringValue\":\"heap\"}}");
        json.append(',');
        gauge(json, "jvm.thread.count", "{thread}", "Live threads", "\"asInt\":\"" + threads + "\"", start, now, "");
        json.append(',');
        gauge(json, "jvm.uptime", "s", "Time since the JVM started", "\"asDouble\":" + uptime, start, now, "");
        json.append(',');
        gauge(json, "jvm.memory.limit", "By", "Maximum heap", "\"asInt\":\"" + runtime.maxMemory() + "\"", start,
                now, "{\"key\":\"jvm.memory.type\",\"value\":{\"stringValue\":\"heap\"}}");
        return json.append("]}]}]}").toString();
    }

    private static void gauge(StringBuilder json, String name, String unit, String description, String value,
            long start, long now, String attributes) {
        json.append("{\"name\":").append(quote(name)).append(",\"unit\":").append(quote(unit))
                .append(",\"description\":").append(quote(description)).append(",\"gauge\":{\"dataPoints\":[{")
                .append("\"startTimeUnixNano\":\"").append(start).append("\",\"timeUnixNano\":\"").append(now)
                .append("\",").append(value).append(",\"attributes\":[").append(attributes).append("]}]}}");
    }

    private static Map<String, String> resource() {
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", "unknown_service:java");
        resource.put("telemetry.sdk.name", "cameleer-agent");
        resource.put("telemetry.sdk.language", "java");
        resource.put("host.name", hostname());
        resource.putAll(pairs(env("OTEL_RESOURCE_ATTRIBUTES")));
        String service = env("OTEL_SERVICE_NAME");
        if (service != null) resource.put("service.name", service);
        return resource;
    }

    private record Response(int status, String body) {}

    private static Response post(String url, String authorization, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        connection.setRequestProperty("Content-Type", "application/json");
        if (authorization != null) connection.setRequestProperty("Authorization", authorization);
        try (OutputStream out = connection.getOutputStream()) {
            out.write(bytes);
        }
        int status = connection.getResponseCode();
        try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, answer);
        }
    }

    /** OTEL_EXPORTER_OTLP_HEADERS with lower-case names, values URL-decoded. */
    private static Map<String, String> otlpHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        pairs(env("OTEL_EXPORTER_OTLP_HEADERS")).forEach((k, v) -> headers.put(k.toLowerCase(), v));
        return headers;
    }

    private static Map<String, String> pairs(String value) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (value == null) return pairs;
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) continue;
            String raw = part.substring(eq + 1).trim().replace("+", "%2B");
            pairs.put(part.substring(0, eq).trim(), URLDecoder.decode(raw, StandardCharsets.UTF_8));
        }
        return pairs;
    }

    private static String hostname() {
        String fromEnv = env("HOSTNAME");
        if (fromEnv != null) return fromEnv;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String quote(String value) {
        StringBuilder json = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') json.append('\\').append(c);
            else if (c < 0x20) json.append(String.format("\\u%04x", (int) c));
            else json.append(c);
        }
        return json.append('"').toString();
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\' || i + 1 >= value.length()) {
                out.append(c);
                continue;
            }
            char next = value.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    out.append((char) Integer.parseInt(value.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** Problems on stderr, the rest on stdout, with a level word as the app's own lines. */
    private static void log(String level, String line) {
        java.io.PrintStream out = "INFO".equals(level) ? System.out : System.err;
        out.println(Instant.now() + " " + level + " " + line);
        out.flush();
    }
}
