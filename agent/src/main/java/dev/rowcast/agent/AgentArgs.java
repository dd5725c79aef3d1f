package dev.rowcast.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
        return new AgentArgs(Collections.unmodifiableMap(values)); // in the order written: the warning names them so
    }

    public String get(String key) {
        return values.get(key);
    }

    /**
     * The warning for arguments the agent does not take (it takes {@code config=} alone), or empty:
     * a typo ({@code conifg=}) or a bare path would otherwise leave the agent looking elsewhere, silently.
     */
    public Optional<String> unknown() {
        StringBuilder ignored = new StringBuilder();
        String hint = null;
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (e.getKey().equals("config")) {
                continue;
            }
            ignored.append(ignored.length() == 0 ? "" : ", ").append('\'').append(e.getKey())
                    .append(e.getValue().isEmpty() ? "" : "=" + e.getValue()).append('\'');
            if (hint == null) {
                hint = e.getValue().isEmpty() ? e.getKey() : e.getValue();
            }
        }
        if (ignored.length() == 0) {
            return Optional.empty();
        }
        return Optional.of("unknown agent argument " + ignored + ", ignored: the agent takes config=<path> alone"
                + (values.containsKey("config") ? "" : " (-javaagent:rowcast-agent.jar=config=" + hint + ")"));
    }
}
