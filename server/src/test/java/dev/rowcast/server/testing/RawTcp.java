package dev.rowcast.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A client that writes raw bytes to the server, as a broken or hostile one would. */
public final class RawTcp {

    private RawTcp() {}

    public static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** What the server sent before it closed the connection; fails if it is still open after the socket's timeout. */
    public static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                seen.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + socket.getSoTimeout() + " ms; it got: "
                    + seen.toString(StandardCharsets.US_ASCII));
        } catch (SocketException e) {
            // reset by the server: closed as well
        }
        return seen.toString(StandardCharsets.US_ASCII);
    }
}
