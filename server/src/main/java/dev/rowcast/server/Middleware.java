package dev.rowcast.server;

/**
 * Runs on each CONNECT to a namespace, before the socket joins it (Socket.IO's {@code use}).
 * It must call {@link Next#proceed} or {@link Next#refuse} exactly once, from any thread, now or
 * later; a refusal reaches the client as CONNECT_ERROR ({@code connect_error} with that message).
 *
 * <p>A client coming back through connection state recovery passes the middlewares too, before
 * anything is restored or replayed: its socket is then {@link Socket#recovered()}, with its former
 * id and {@link Socket#data()}, not yet its rooms (see {@link Namespace#recoveredRooms}). A refusal
 * leaves its session as it was.
 */
@FunctionalInterface
public interface Middleware {
    void handle(Socket socket, Next next);

    interface Next {
        void proceed();

        /** Refuses the connection; {@code data} (may be null) is sent as the error's {@code data}. */
        void refuse(String message, Object data);

        default void refuse(String message) {
            refuse(message, null);
        }
    }
}
