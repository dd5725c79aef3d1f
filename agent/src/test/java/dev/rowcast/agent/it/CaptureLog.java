package dev.rowcast.agent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The lines the agent wrote through -Drowcast.debug.captureLog (one routed event each). */
final class CaptureLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Line(String raw, JsonNode node) {
        String event() {
            return node.get("event").asText();
        }

        JsonNode payload() {
            return node.get("payload");
        }

        String operation() {
            return payload().get("operation").asText();
        }

        List<String> rooms() {
            List<String> rooms = new ArrayList<>();
            node.get("rooms").forEach(r -> rooms.add(r.asText()));
            return rooms;
        }
    }

    private CaptureLog() {}

    static List<Line> read(Path file) throws IOException {
        List<Line> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!raw.isBlank()) {
                lines.add(new Line(raw, JSON.readTree(raw)));
            }
        }
        return lines;
    }
}
