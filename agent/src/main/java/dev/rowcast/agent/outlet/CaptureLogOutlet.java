package dev.rowcast.agent.outlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.route.Delivery;
import dev.rowcast.agent.route.JsonText;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Diagnostic option {@code -Drowcast.debug.captureLog=<file>}: one JSON line per routed event,
 * {@code {"event":..,"rooms":[..],"broadcast":..,"payload":<the event argument>}}, written by
 * the pipeline thread. It shows what the agent would send; it is not a delivery channel.
 */
public final class CaptureLogOutlet implements Outlet {

    private static final JsonFactory JSON = new JsonFactory();
    private final Writer out;

    public CaptureLogOutlet(Path file) throws IOException {
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void deliver(Delivery delivery) {
        try {
            StringWriter line = new StringWriter();
            try (JsonGenerator g = JSON.createGenerator(line)) {
                g.writeStartObject();
                g.writeStringField("event", delivery.event());
                g.writeArrayFieldStart("rooms");
                for (String room : delivery.rooms()) {
                    g.writeString(room);
                }
                g.writeEndArray();
                g.writeBooleanField("broadcast", delivery.broadcast());
                g.writeFieldName("payload");
                g.writeRawValue(JsonText.of(delivery.payload()));
                g.writeEndObject();
            }
            out.write(line.toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            AgentLog.warnOnce("capture-log", "cannot write the capture log: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // diagnostic output only
        }
    }
}
