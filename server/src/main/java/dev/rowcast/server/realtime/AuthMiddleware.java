package dev.rowcast.server.realtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rowcast.server.Middleware;
import dev.rowcast.server.Socket;
import dev.rowcast.server.auth.AuthException;
import dev.rowcast.server.auth.TokenVerifier;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Verifies the CONNECT auth payload {@code {"token": "..."}}. With {@code auth.required} a socket
 * without a valid token is refused; without it, a socket that sends no token is anonymous, but
 * one that sends a token must send a valid one (a bad token is never silently ignored). A
 * refusal is CONNECT_ERROR with the plugin's message and {@code data.reason}. A client coming back
 * through connection state recovery is checked the same way: its socket's identity is the token
 * it brings now, never the one it first came with.
 */
final class AuthMiddleware implements Middleware {
    private final TokenVerifier verifier;
    private final boolean required;
    private final Executor blockingWork;

    /** @param blockingWork runs verifications that may fetch a remote JWKS, off the event loop */
    AuthMiddleware(TokenVerifier verifier, boolean required, Executor blockingWork) {
        this.verifier = verifier;
        this.required = required;
        this.blockingWork = blockingWork;
    }

    @Override
    public void handle(Socket socket, Next next) {
        JsonNode auth = socket.handshake().auth();
        if (socket.recovered()) SocketData.forgetToken(socket);
        if (!required && !presentsToken(auth)) {
            next.proceed();
            return;
        }
        Runnable verify = () -> {
            try {
                SocketData.putToken(socket, verifier.verifyConnectAuth(auth));
                next.proceed();
            } catch (AuthException e) {
                next.refuse(e.getMessage(), e.connectErrorData());
            }
        };
        if (!verifier.mayBlock()) {
            verify.run();
            return;
        }
        try {
            blockingWork.execute(verify);
        } catch (RejectedExecutionException e) {
            next.refuse(AuthException.AUTHENTICATION_FAILED, Map.of("reason", "error")); // the server is stopping
        }
    }

    /** As the plugin's client: an empty token is no token. */
    private static boolean presentsToken(JsonNode auth) {
        JsonNode token = auth == null ? null : auth.get("token");
        return token != null && !token.isNull() && !(token.isTextual() && token.textValue().isEmpty());
    }
}
