package io.cameleer.testagent;

import java.lang.instrument.Instrumentation;

/**
 * A stand-in for the Cameleer observability agent. It proves -javaagent is attached by printing a
 * marker line and setting a system property the app can read, and, when the runner handed it a
 * bootstrap token (CAMELEER_BOOTSTRAP_TOKEN, CAMELEER_AGENT_REGISTER_URL), registers and reports
 * JVM metrics over OTLP (see AgentSession). All network work happens on a daemon thread: the app's
 * start is never delayed or broken by it.
 */
public final class TestAgent {
    static final String version = "0.1.0-test";

    private TestAgent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        System.setProperty("cameleer.agent", "attached");
        System.out.println("cameleer-agent attached");
        System.out.flush();
        try {
            AgentSession.startFromEnv(version);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("cameleer-agent: telemetry disabled: " + e);
        }
    }
}
