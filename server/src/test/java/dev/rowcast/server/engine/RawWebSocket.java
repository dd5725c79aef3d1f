package dev.rowcast.server.engine;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A WebSocket handshake over a plain socket whose reader then does nothing: a stalled client. */
final class RawWebSocket implements AutoCloseable {
    private final Socket socket;

    private RawWebSocket(Socket socket) {
        this.socket = socket;
    }

    static RawWebSocket connectWithoutReading(int port) {
        try {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // before connect, so the TCP window stays small
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            socket.getOutputStream().write(("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new RawWebSocket(socket);
        } catch (IOException e) {
            throw new AssertionError("raw WebSocket connect failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }
}
