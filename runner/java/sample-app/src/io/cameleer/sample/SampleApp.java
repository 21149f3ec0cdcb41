package io.cameleer.sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * Cameleer's sample app: a stand-in for a Camel application.
 *
 * It uses only the JDK (com.sun.net.httpserver) because Maven Central is not
 * reachable from where Cameleer is built and tested, so no Camel dependency
 * can be fetched. What matters to the platform is the same: an executable JAR
 * with a Main-Class that listens on PORT, answers a health check, logs to
 * stdout and stops cleanly on SIGTERM.
 *
 * Environment:
 *   PORT (fallback SERVER_PORT, then 8080)  the HTTP port
 *   APP_VERSION or -Dversion                overrides the version baked in at build time
 *   BROKEN=true                             exits at start with an error, to test failed deploys
 *   SAMPLE_DATA_DIR (fallback CAMELEER_VOLUME_DATA, then /data)
 *                                           where PUT/POST /files/{name} writes and GET reads, to
 *                                           test writeable volumes
 *   OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES
 *                                           where the spans of /orders go (OTLP/HTTP JSON); none are
 *                                           sent without an endpoint
 *
 * `/orders` runs a small Camel-like route pipeline traced like camel-opentelemetry (see
 * OrderRoutes); `/orders?fail=true` fails, `/orders?fail=transient` fails unless replayed. Failed
 * exchanges are reported redacted and can be replayed (FailedExchanges, CAMELEER_REDACT_PATTERNS,
 * CAMELEER_REPLAY_PORT). Every log line carries a level word (INFO, WARN, ERROR),
 * and the lines of /orders their trace id (`trace_id=`).
 */
public final class SampleApp {
    /** Replaced by scripts/build-sample.sh with the version being built. */
    static final String BUILD_VERSION = "@VERSION@";
    /** Replaced by scripts/build-sample.sh with "true" for a broken build. */
    static final String BUILD_BROKEN = "@BROKEN@";

    private SampleApp() {}

    public static void main(String[] args) throws IOException {
        String version = version();
        if ("true".equalsIgnoreCase(System.getenv("BROKEN")) || "true".equals(BUILD_BROKEN)) {
            log("ERROR", "sample-app " + version + " cannot start: broken build (BROKEN=true)");
            System.exit(1);
        }
        int port = port();
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 128);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/health", exchange -> respond(exchange, 200, "UP\n"));
        server.createContext("/files/", SampleApp::files);
        OtlpExporter exporter = OtlpExporter.fromEnv(version);
        server.createContext("/orders", new OrderRoutes(new Tracer(exporter))::handle);
        server.createContext("/", exchange -> {
            if (!"/".equals(exchange.getRequestURI().getPath())) {
                respond(exchange, 404, "not found\n");
            } else {
                respond(exchange, 200, "cameleer sample-app version " + version + "\n" + greeting());
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log("INFO", "sample-app " + version + " stopping (SIGTERM)");
            server.stop(1);
            if (exporter != null) exporter.shutdown(1_000);
            log("INFO", "sample-app " + version + " stopped");
        }));
        server.start();
        FailedExchanges.install(port);
        String agent = System.getProperty("cameleer.agent", "none");
        String telemetry = exporter == null ? "off" : "otlp";
        log("INFO", "sample-app " + version + " started on port " + port + " (agent: " + agent + ") (telemetry: "
                + telemetry + ")");
    }

    private static void files(HttpExchange exchange) throws IOException {
        String name = exchange.getRequestURI().getPath().substring("/files/".length());
        if (!name.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*")) {
            respond(exchange, 400, "bad file name\n");
            return;
        }
        Path file = dataDir().resolve(name);
        try {
            switch (exchange.getRequestMethod()) {
                case "PUT", "POST" -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        Files.write(file, in.readAllBytes());
                    }
                    respond(exchange, 201, "stored " + file + "\n");
                }
                case "GET" -> {
                    if (!Files.exists(file)) respond(exchange, 404, "no " + file + "\n");
                    else respond(exchange, 200, Files.readString(file));
                }
                default -> respond(exchange, 405, "GET, PUT or POST\n");
            }
        } catch (IOException e) {
            respond(exchange, 500, e.getClass().getSimpleName() + ": " + e.getMessage() + "\n");
        }
    }

    /** GREETING from the app's configuration, to show which environment's values an instance runs with. */
    private static String greeting() {
        String value = System.getenv("GREETING");
        return value == null || value.isBlank() ? "" : value + "\n";
    }

    private static Path dataDir() {
        for (String name : new String[] {"SAMPLE_DATA_DIR", "CAMELEER_VOLUME_DATA"}) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) return Path.of(value.trim());
        }
        return Path.of("/data");
    }

    private static String version() {
        String fromEnv = System.getenv("APP_VERSION");
        if (fromEnv != null && !fromEnv.isBlank()) return fromEnv;
        String fromProperty = System.getProperty("version");
        if (fromProperty != null && !fromProperty.isBlank()) return fromProperty;
        return BUILD_VERSION.startsWith("@") ? "dev" : BUILD_VERSION;
    }

    private static int port() {
        for (String name : new String[] {"PORT", "SERVER_PORT"}) {
            String value = System.getenv(name);
            if (value != null && !value.isBlank()) return Integer.parseInt(value.trim());
        }
        return 8080;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        send(exchange, status, body);
        String level = status >= 500 ? "ERROR" : status >= 400 ? "WARN" : "INFO";
        log(level, exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + status);
    }

    static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** One line on stdout (ERROR on stderr), level word after the timestamp, as a logging framework writes it. */
    static void log(String level, String line) {
        java.io.PrintStream out = "ERROR".equals(level) ? System.err : System.out;
        out.println(Instant.now() + " " + level + " " + line);
        out.flush();
    }
}
