package dev.rowcast.server.engine;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * The HTTP request that opened a session: headers (lower-case names), query parameters,
 * the peer's address and the time. Immutable.
 */
public record Handshake(
        Map<String, List<String>> headers,
        Map<String, List<String>> query,
        InetSocketAddress remoteAddress,
        String url,
        boolean secure,
        long issuedEpochMillis) {

    public Handshake {
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
    }

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
