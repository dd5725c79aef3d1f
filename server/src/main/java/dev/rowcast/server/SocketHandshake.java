package dev.rowcast.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.engine.Handshake;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What a socket presented when it connected: the CONNECT auth payload ({@code {}} when the
 * client sent none) and the HTTP request that opened its Engine.IO session.
 */
public record SocketHandshake(JsonNode auth, Handshake engine) {

    public Map<String, List<String>> headers() {
        return engine.headers();
    }

    public Map<String, List<String>> query() {
        return engine.query();
    }

    public String header(String name) {
        return engine.header(name);
    }

    public String queryParam(String name) {
        return engine.queryParam(name);
    }

    public InetSocketAddress remoteAddress() {
        return engine.remoteAddress();
    }
}
