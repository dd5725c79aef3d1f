package dev.rowcast.agent;

import java.util.LinkedHashMap;
import java.util.Map;

/** The `-javaagent:rowcast-agent.jar=key=value,key=value` argument string. */
public record AgentArgs(Map<String, String> values) {

    public static AgentArgs parse(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw != null && !raw.isBlank()) {
            for (String part : raw.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    values.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                } else if (!part.isBlank()) {
                    values.put(part.trim(), "");
                }
            }
        }
        return new AgentArgs(Map.copyOf(values));
    }

    public String get(String key) {
        return values.get(key);
    }
}
