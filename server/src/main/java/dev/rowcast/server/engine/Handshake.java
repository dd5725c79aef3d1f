package dev.rowcast.server.engine;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP request that opened a session: headers (lower-case names), query parameters,
 * the peer's address and the time. Immutable.
 *
 * <p>Kept for the session's whole life, so it is stored compactly: the headers as one flat
 * name/value array, the query as the request URL; the maps are made on first use.
 */
public final class Handshake {
    private final String[] headerPairs;
    private final InetSocketAddress remoteAddress;
    private final String url;
    private final boolean secure;
    private final long issuedEpochMillis;
    // Built on first access; racing builders make equal maps, so a plain field is enough.
    private Map<String, List<String>> headers;
    private Map<String, List<String>> query;

    public Handshake(Map<String, List<String>> headers, Map<String, List<String>> query, InetSocketAddress remoteAddress,
                     String url, boolean secure, long issuedEpochMillis) {
        this(flatten(headers), remoteAddress, url, secure, issuedEpochMillis);
        this.query = copy(query);
    }

    /** {@code headerPairs}: name, value, name, value, ... with lower-case names, in request order; not copied. */
    Handshake(String[] headerPairs, InetSocketAddress remoteAddress, String url, boolean secure, long issuedEpochMillis) {
        this.headerPairs = headerPairs;
        this.remoteAddress = remoteAddress;
        this.url = url;
        this.secure = secure;
        this.issuedEpochMillis = issuedEpochMillis;
    }

    /** Header values by lower-case name (a read-only map). */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> h = headers;
        if (h == null) {
            Map<String, List<String>> grouped = new LinkedHashMap<>();
            for (int i = 0; i < headerPairs.length; i += 2) {
                grouped.computeIfAbsent(headerPairs[i], k -> new ArrayList<>()).add(headerPairs[i + 1]);
            }
            headers = h = copy(grouped);
        }
        return h;
    }

    /** Query parameters of the request URL (a read-only map). */
    public Map<String, List<String>> query() {
        Map<String, List<String>> q = query;
        if (q == null) query = q = copy(new QueryStringDecoder(url).parameters());
        return q;
    }

    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public String url() {
        return url;
    }

    public boolean secure() {
        return secure;
    }

    public long issuedEpochMillis() {
        return issuedEpochMillis;
    }

    /** The first value of a header, by case-insensitive name, or null. */
    public String header(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        for (int i = 0; i < headerPairs.length; i += 2) {
            if (headerPairs[i].equals(key)) return headerPairs[i + 1];
        }
        return null;
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handshake h && secure == h.secure && issuedEpochMillis == h.issuedEpochMillis
                && headers().equals(h.headers()) && query().equals(h.query())
                && Objects.equals(remoteAddress, h.remoteAddress) && Objects.equals(url, h.url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(headers(), query(), remoteAddress, url, secure, issuedEpochMillis);
    }

    @Override
    public String toString() {
        return "Handshake[headers=" + headers() + ", query=" + query() + ", remoteAddress=" + remoteAddress + ", url=" + url
                + ", secure=" + secure + ", issuedEpochMillis=" + issuedEpochMillis + "]";
    }

    private static String[] flatten(Map<String, List<String>> headers) {
        List<String> pairs = new ArrayList<>();
        headers.forEach((name, values) -> {
            for (String value : values) {
                pairs.add(name.toLowerCase(Locale.ROOT));
                pairs.add(value);
            }
        });
        return pairs.toArray(new String[0]);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> map) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Map.copyOf(copy);
    }
}
