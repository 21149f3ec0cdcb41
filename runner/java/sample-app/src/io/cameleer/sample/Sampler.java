package io.cameleer.sample;

/**
 * The standard sampler variables, as the OpenTelemetry SDK reads them: OTEL_TRACES_SAMPLER
 * (always_on, always_off, traceidratio and their parentbased_ forms; default parentbased_always_on)
 * and OTEL_TRACES_SAMPLER_ARG (the ratio). A trace is kept or dropped whole: the root decides by
 * its trace id, every child follows its parent.
 */
final class Sampler {
    private final long idUpperBound;

    private Sampler(long idUpperBound) {
        this.idUpperBound = idUpperBound;
    }

    static Sampler fromEnv() {
        String name = System.getenv("OTEL_TRACES_SAMPLER");
        String kind = name == null || name.isBlank() ? "parentbased_always_on" : name.trim().toLowerCase();
        if (kind.startsWith("parentbased_")) kind = kind.substring("parentbased_".length());
        switch (kind) {
            case "always_off":
                return new Sampler(Long.MIN_VALUE);
            case "traceidratio":
                return new Sampler(upperBound(ratio(System.getenv("OTEL_TRACES_SAMPLER_ARG"))));
            default:
                return new Sampler(Long.MAX_VALUE);
        }
    }

    /** Whether a new trace is recorded: the lower 8 bytes of its id, as the SDK compares them. */
    boolean sampleRoot(String traceId) {
        if (idUpperBound == Long.MAX_VALUE) return true;
        if (idUpperBound == Long.MIN_VALUE) return false;
        long random = Long.parseUnsignedLong(traceId.substring(16), 16);
        return Math.abs(random) < idUpperBound;
    }

    private static double ratio(String value) {
        try {
            double ratio = value == null ? 1.0 : Double.parseDouble(value.trim());
            return ratio >= 0 && ratio <= 1 ? ratio : 1.0;
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    private static long upperBound(double ratio) {
        if (ratio == 0.0) return Long.MIN_VALUE;
        if (ratio == 1.0) return Long.MAX_VALUE;
        return (long) (ratio * Long.MAX_VALUE);
    }
}
