package app;

import dev.rowcast.api.Rowcast;
import java.util.List;
import java.util.Map;

/** App code using the Rowcast API: a server-side emit into a room. */
public final class ApiApp {
    public static void main(String[] args) {
        boolean accepted = Rowcast.to("chat:42").emit("typing", Map.of("user", 7, "tags", List.of("a", "b")));
        System.out.println("active=" + Rowcast.isActive() + " accepted=" + accepted);
    }
}
