package io.cameleer.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Masks secrets in a failed exchange's headers and body before anything leaves the app.
 *
 * Defaults: the values of headers, JSON keys and form/query keys whose name says secret (password,
 * secret, token, authorization, api-key, credential, cookie, session), bearer and basic credentials
 * anywhere, and card numbers (13 to 19 digits, spaces or dashes between, Luhn-valid; the last four
 * digits stay). Then every match of the configured patterns (CAMELEER_REDACT_PATTERNS: one Java
 * regex per line) becomes "***". A configured pattern that does not compile withholds headers and
 * bodies altogether: a typo must not let the secret it was meant to catch through.
 */
final class Redactor {
    static final String MASK = "***";
    static final String WITHHELD = "[withheld: a CAMELEER_REDACT_PATTERNS pattern does not compile]";

    private static final String secretWord =
            "(?:pass(?:word|wd|phrase)?|secret|token|authori[sz]ation|auth|api[-_]?key|apikey|credential|cookie|session|private[-_]?key)";
    private static final Pattern secretName = Pattern.compile("(?i).*" + secretWord + ".*");
    private static final Pattern jsonPair = Pattern.compile(
            "(?i)(\"[^\"\\\\]*" + secretWord + "[^\"\\\\]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]+)");
    private static final Pattern formPair =
            Pattern.compile("(?i)((?:^|[&?;\\s])[\\w.\\-]*" + secretWord + "[\\w.\\-]*=)([^&;\\s]+)");
    private static final Pattern credential = Pattern.compile("\\b((?i:bearer)|Basic)\\s+[A-Za-z0-9._~+/=\\-]{8,}");
    private static final Pattern cardLike = Pattern.compile("(?<![\\d])\\d(?:[ \\-]?\\d){12,18}(?![\\d])");

    private final List<Pattern> configured;
    private final boolean withhold;
    private int count;

    private Redactor(List<Pattern> configured, boolean withhold) {
        this.configured = configured;
        this.withhold = withhold;
    }

    /** The redactor for `patterns` (one regex per line; blank lines ignored). */
    static Redactor of(String patterns) {
        List<Pattern> compiled = new ArrayList<>();
        if (patterns == null) return new Redactor(compiled, false);
        for (String line : patterns.split("\\R")) {
            if (line.isBlank()) continue;
            try {
                compiled.add(Pattern.compile(line.strip()));
            } catch (PatternSyntaxException e) {
                SampleApp.log("ERROR", "CAMELEER_REDACT_PATTERNS: cannot compile " + e.getPattern()
                        + " (" + e.getDescription() + "); failed exchanges are sent without headers and body");
                return new Redactor(List.of(), true);
            }
        }
        return new Redactor(compiled, false);
    }

    static Redactor fromEnv() {
        return of(System.getenv("CAMELEER_REDACT_PATTERNS"));
    }

    /** How many values were masked since this redactor was made (use one per exchange). */
    int count() {
        return count;
    }

    Redactor fresh() {
        return new Redactor(configured, withhold);
    }

    Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (withhold) return out;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (secretName.matcher(header.getKey()).matches()) {
                count++;
                out.put(header.getKey(), MASK);
            } else {
                out.put(header.getKey(), text(header.getValue()));
            }
        }
        return out;
    }

    String body(String body) {
        if (withhold) return body.isEmpty() ? body : WITHHELD;
        String out = replace(jsonPair, body, m -> m.group(1) + (m.group(2).startsWith("\"") ? "\"" + MASK + "\"" : MASK));
        out = replace(formPair, out, m -> m.group(1) + MASK);
        return text(out);
    }

    /** Credentials, card numbers and the configured patterns, anywhere in a value. */
    String text(String value) {
        String out = replace(credential, value, m -> m.group(1) + " " + MASK);
        out = cards(out);
        for (Pattern pattern : configured) out = replace(pattern, out, m -> MASK);
        return out;
    }

    private String cards(String value) {
        Matcher m = cardLike.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceAll("[ \\-]", "");
            if (luhn(digits)) {
                count++;
                m.appendReplacement(out, Matcher.quoteReplacement("************" + digits.substring(digits.length() - 4)));
            } else {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
            }
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private String replace(Pattern pattern, String value, java.util.function.Function<Matcher, String> with) {
        Matcher m = pattern.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            if (m.group().isEmpty()) continue;
            count++;
            m.appendReplacement(out, Matcher.quoteReplacement(with.apply(m)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** For tests and the protocol's examples: `java -cp app.jar io.cameleer.sample.Redactor` redacts stdin. */
    public static void main(String[] args) throws java.io.IOException {
        String input = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Redactor redactor = fromEnv();
        System.out.print(redactor.body(input));
        System.out.flush();
        System.err.println("redactions=" + redactor.count());
    }
}
