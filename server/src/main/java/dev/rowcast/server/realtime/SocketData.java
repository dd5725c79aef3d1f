package dev.rowcast.server.realtime;

import dev.rowcast.server.Socket;
import dev.rowcast.server.auth.VerifiedToken;
import java.time.Instant;
import java.util.Map;

/**
 * The keys this package keeps in {@link Socket#data()}. They travel with the socket through
 * connection state recovery; the token's keys are then those of the token the client comes back with.
 */
public final class SocketData {
    /** The verified token's claims, a {@code Map<String, Object>}; absent for an anonymous socket. */
    public static final String CLAIMS = "claims";
    /** The token's user (its {@code auth.token.userClaim}), a String; absent for an anonymous socket. */
    public static final String TOKEN_USER = "tokenUserId";
    /** The token's {@code exp}, an {@link Instant}; absent when it has none. */
    public static final String TOKEN_EXPIRES_AT = "tokenExpiresAt";
    /** The user id the socket identified as ({@code identify}), a String. */
    public static final String USER_ID = "userId";

    private SocketData() {
    }

    static void putToken(Socket socket, VerifiedToken token) {
        socket.data().put(CLAIMS, token.claims());
        socket.data().put(TOKEN_USER, token.userId());
        if (token.expiresAt() != null) socket.data().put(TOKEN_EXPIRES_AT, token.expiresAt());
        // a recovered socket identified as another user than this token's: that identify no longer holds
        if (userId(socket) != null && !userId(socket).equals(token.userId())) socket.data().remove(USER_ID);
    }

    /** A recovered socket's former token: what it proved no longer counts once the client comes back. */
    static void forgetToken(Socket socket) {
        socket.data().remove(CLAIMS);
        socket.data().remove(TOKEN_USER);
        socket.data().remove(TOKEN_EXPIRES_AT);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> claims(Socket socket) {
        Object claims = socket.data().get(CLAIMS);
        return claims instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    static String tokenUser(Socket socket) {
        return socket.data().get(TOKEN_USER) instanceof String s ? s : null;
    }

    static Instant expiresAt(Socket socket) {
        return socket.data().get(TOKEN_EXPIRES_AT) instanceof Instant i ? i : null;
    }

    static String userId(Socket socket) {
        return socket.data().get(USER_ID) instanceof String s ? s : null;
    }
}
