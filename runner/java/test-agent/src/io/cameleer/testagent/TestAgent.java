package io.cameleer.testagent;

import java.lang.instrument.Instrumentation;

/**
 * A stand-in for the Cameleer observability agent: proves -javaagent is
 * attached by printing a marker line and setting a system property the app can read.
 */
public final class TestAgent {
    private TestAgent() {}

    public static void premain(String args, Instrumentation instrumentation) {
        System.setProperty("cameleer.agent", "attached");
        System.out.println("cameleer-agent attached");
        System.out.flush();
    }
}
