package dev.rowcast.server.realtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Socket.IO client over a plain TCP socket that connects, joins a room, then never reads again:
 * the client that stopped reading (a frozen tab, a dead mobile link).
 */
final class StalledClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private StalledClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static StalledClient joinThenStall(int port, String room) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connect, so that the TCP window stays small
        socket.setSoTimeout(5000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        StalledClient client = new StalledClient(socket);
        client.out.write(("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        client.readUntil("0{\"sid\"");
        client.sendText("40");
        client.readUntil("40{\"sid\"");
        client.sendText("421[\"join\",\"" + room + "\"]");
        client.readUntil("431[{\"ok\":true}]");
        return client;
    }

    /** Reads until the text has appeared in what the server sent (frames are small and ASCII here). */
    private void readUntil(String text) throws IOException {
        byte[] buffer = new byte[1024];
        while (!seen.toString(StandardCharsets.ISO_8859_1).contains(text)) {
            int n = in.read(buffer);
            if (n < 0) throw new IOException("connection closed before '" + text + "'; got " + seen);
            seen.write(buffer, 0, n);
        }
    }

    /** A client frame must be masked (RFC 6455 §5.3). */
    private void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) throw new IllegalArgumentException("short frames only");
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        out.write(frame);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
