package dev.rowcast.server.engine;

/** The reference server's request errors: HTTP status, code and message of the JSON body. */
enum EngineError {
    TRANSPORT_UNKNOWN(0, "Transport unknown"),
    UNKNOWN_SID(1, "Session ID unknown"),
    BAD_HANDSHAKE_METHOD(2, "Bad handshake method"),
    BAD_REQUEST(3, "Bad request"),
    FORBIDDEN(4, "Forbidden"),
    UNSUPPORTED_PROTOCOL_VERSION(5, "Unsupported protocol version");

    final int code;
    final String message;

    EngineError(int code, String message) {
        this.code = code;
        this.message = message;
    }

    int status() {
        return this == FORBIDDEN ? 403 : 400;
    }

    /** {@code {"code":N,"message":"…"}}; the messages need no JSON escaping. */
    String json() {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\"}";
    }
}
