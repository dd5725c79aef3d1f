package dev.rowcast.server.engine;

import dev.rowcast.server.log.LogThrottle;
import io.netty.channel.Channel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import java.io.IOException;
import java.time.Duration;

/**
 * What an error that closes a connection leaves in the log. A client that went away, or sent a
 * frame the WebSocket decoder refused (it answers with a close frame), is no news: debug. Other
 * bytes no Engine.IO client sends are one line, without a stack trace. Anything else is a fault
 * of ours and keeps its stack trace. Any client can cause these on every connection it opens, so
 * each kind logs at most one line a minute, and the next one says how many were held back.
 */
final class ConnectionErrorLog {
    private static final System.Logger LOG = System.getLogger(ConnectionErrorLog.class.getName());
    /** Room for the exception's own words; past this it is the client's bytes being echoed. */
    private static final int MAX_DETAIL = 200;

    private final LogThrottle clientFaults;
    private final LogThrottle serverFaults;

    ConnectionErrorLog() {
        this(Duration.ofMinutes(1));
    }

    ConnectionErrorLog(Duration interval) {
        this.clientFaults = new LogThrottle(interval);
        this.serverFaults = new LogThrottle(interval);
    }

    /** Logs why {@code channel} is being closed; {@code where} names the connection's stage or session. */
    void closing(Channel channel, String where, Throwable cause) {
        if (isClientGone(cause)) {
            LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine: " + where + " " + channel + ": " + oneLine(cause));
        } else if (isClientFault(cause)) {
            String held = admit(clientFaults);
            if (held != null) {
                LOG.log(System.Logger.Level.WARNING, "[rowcast] engine: " + where + ": closed the connection from "
                        + channel.remoteAddress() + ", which sent what no Engine.IO client sends (" + oneLine(cause) + ")" + held);
            }
        } else {
            String held = admit(serverFaults);
            if (held != null) {
                LOG.log(System.Logger.Level.WARNING, "[rowcast] engine: " + where + ": unexpected error on " + channel
                        + "; closing the connection" + held, cause);
            }
        }
    }

    private static boolean isClientGone(Throwable cause) {
        return cause instanceof IOException || cause instanceof PrematureChannelClosureException
                || cause instanceof CorruptedFrameException;
    }

    private static boolean isClientFault(Throwable cause) {
        return cause instanceof DecoderException || cause instanceof WebSocketHandshakeException;
    }

    /** The exception's class and message on one short line: its message may quote the client's bytes. */
    static String oneLine(Throwable cause) {
        String text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_DETAIL + 3));
        for (int i = 0; i < text.length() && line.length() < MAX_DETAIL; i++) {
            char c = text.charAt(i);
            line.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        if (text.length() > MAX_DETAIL) line.append("...");
        return line.toString();
    }

    /** Null when this line is held back, else what to append to it. */
    private static String admit(LogThrottle throttle) {
        long before = throttle.admit();
        if (before < 0) return null;
        return before == 0 ? "" : " (" + before + " more since the last such line, not logged)";
    }
}
