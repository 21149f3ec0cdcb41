package io.cameleer.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The failed exchanges' originals, unredacted, kept in memory only so a replay re-injects the real
 * data, never the masked copy. Bounded by count and bytes, oldest out first; an original over
 * {@link #maxBodyBytes} is not kept (its replay answers `unavailable`), nor is anything after a restart.
 */
final class OriginalExchanges {
    static final int maxBodyBytes = 1024 * 1024;
    static final int maxCount = 500;
    static final long maxTotalBytes = 32L * 1024 * 1024;

    record Original(String exchangeId, String method, String path, String query, Map<String, List<String>> headers,
            byte[] body) {}

    private final LinkedHashMap<String, Original> byId = new LinkedHashMap<>();
    private long totalBytes;

    synchronized void keep(Original original) {
        if (original.body().length > maxBodyBytes) return;
        byId.put(original.exchangeId(), original);
        totalBytes += original.body().length;
        var oldest = byId.entrySet().iterator();
        while ((byId.size() > maxCount || totalBytes > maxTotalBytes) && oldest.hasNext()) {
            totalBytes -= oldest.next().getValue().body().length;
            oldest.remove();
        }
    }

    synchronized Original get(String exchangeId) {
        return byId.get(exchangeId);
    }
}
