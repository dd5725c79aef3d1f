package dev.rowcast.sample.api;

/** A request the API refuses: the status and a message that tells the caller what to fix. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "You are not allowed to perform this action: "
                + "log in with POST /api/users/login and send 'Authorization: JWT <token>'.");
    }

    public static ApiException notFound(String slug, Object id) {
        return new ApiException(404, "No document with id '" + id + "' in " + slug + ".");
    }
}
