package io.cameleer.sample;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * A Camel-like pipeline behind `/orders`, traced the way camel-opentelemetry2 traces routes:
 *
 *   route orders:   from("platform-http:/orders") → to("direct:validate") → to("http://inventory/api/stock")
 *   route validate: from("direct:validate") → to("log:audit"), failing the exchange on `?fail=true`
 *
 * A route span (`op` EVENT_RECEIVED) per route the exchange enters, an endpoint span (EVENT_SENT)
 * per send, kinds as after CAMEL-23312 (Server for HTTP in, Client for HTTP out, Internal in the
 * JVM); every span carries `camel.route.id` as Camel sets it, `Exchange.getFromRouteId()`: the
 * route the exchange started in (`orders`), also on the spans of route `validate`. A failure marks
 * the failing spans and their callers with status error and `error=true`, and the answer is 500.
 */
final class OrderRoutes {
    static final String ordersUri = "platform-http://orders";
    static final String validateUri = "direct://validate";
    static final String auditUri = "log://audit";
    static final String inventoryUri = "http://inventory/api/stock";

    private final Tracer tracer;

    OrderRoutes(Tracer tracer) {
        this.tracer = tracer;
    }

    /** A failed exchange, as Camel's exception on the exchange. */
    static final class ExchangeFailed extends Exception {
        ExchangeFailed(String message) {
            super(message);
        }
    }

    void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String target = exchange.getRequestURI().toString();
        boolean fail = wantsFailure(exchange.getRequestURI().getRawQuery()) || FailedExchanges.failsUnlessReplayed(exchange);
        Tracer.Active consumer = tracer.received(method, Tracer.SERVER, ordersUri, null)
                .attr("camel.route.id", "orders")
                .attr("http.request.method", method);
        int status;
        String body;
        String failure = null;
        try {
            validate(consumer, fail);
            inventory(consumer);
            status = 200;
            body = "order accepted trace_id=" + consumer.traceId + "\n";
        } catch (ExchangeFailed e) {
            failure = e.getMessage();
            consumer.fail(failure);
            FailedExchanges.failed(exchange, "orders", ordersUri, validateUri, e, consumer.traceId, consumer.spanId);
            status = 500;
            body = "order failed: " + failure + " trace_id=" + consumer.traceId + "\n";
        }
        consumer.attr("http.response.status_code", status);
        consumer.end();
        String line = "[orders] " + method + " " + target + " " + status
                + (failure == null ? "" : " " + failure)
                + " trace_id=" + consumer.traceId + " span_id=" + consumer.spanId;
        SampleApp.send(exchange, status, body);
        SampleApp.log(failure == null ? "INFO" : "ERROR", line);
    }

    /** to("direct:validate"): the producer span in `orders`, the consumer span of route `validate` under it. */
    private void validate(Tracer.Active parent, boolean fail) throws ExchangeFailed {
        Tracer.Active call = tracer.sent("validate", Tracer.INTERNAL, validateUri, parent)
                .attr("camel.route.id", "orders");
        try {
            Tracer.Active route = tracer.received("validate", Tracer.INTERNAL, validateUri, call)
                    .attr("camel.route.id", "orders");
            try {
                Tracer.Active audit = tracer.sent("log", Tracer.INTERNAL, auditUri, route)
                        .attr("camel.route.id", "orders");
                pause(1);
                audit.end();
                if (fail) throw new ExchangeFailed("order rejected by route validate (fail=true)");
            } catch (ExchangeFailed e) {
                route.fail(e.getMessage());
                throw e;
            } finally {
                route.end();
            }
        } catch (ExchangeFailed e) {
            call.fail(e.getMessage());
            throw e;
        } finally {
            call.end();
        }
    }

    /** to("http://inventory/api/stock"): a remote call, simulated by a short wait. */
    private void inventory(Tracer.Active parent) {
        Tracer.Active call = tracer.sent("GET", Tracer.CLIENT, inventoryUri, parent)
                .attr("camel.route.id", "orders")
                .attr("http.request.method", "GET")
                .attr("server.address", "inventory");
        pause(3);
        call.attr("http.response.status_code", 200);
        call.end();
    }

    private static boolean wantsFailure(String query) {
        if (query == null) return false;
        for (String part : query.split("&")) {
            if (part.equalsIgnoreCase("fail=true") || part.equalsIgnoreCase("fail")) return true;
        }
        return false;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
