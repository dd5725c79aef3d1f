package dev.rowcast.bench;

import dev.rowcast.config.RoomPattern;
import dev.rowcast.config.RoomTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Room evaluation per captured row: a compiled three-part template over a 10-field row, against
 * its peer, the same template interpreted per row with a regex (what compiling once avoids).
 * Rows cycle through 1024 distinct ones so that no value stays constant.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoomTemplateBenchmark {

    private static final String TEMPLATE = "org:{org}:user:{user}:{kind}";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)\\}");
    private static final int ROWS = 1024;

    private final RoomTemplate compiled = RoomTemplate.compile(TEMPLATE);
    private final RoomPattern allowed = RoomPattern.compile("org:{org}:*");
    private final Map<String, Object> claims = Map.of("sub", "42", "org", "acme-3");
    private List<Map<String, Object>> rows;
    private int next;

    @Setup
    public void rows() {
        rows = newRows();
    }

    private static List<Map<String, Object>> newRows() {
        List<Map<String, Object>> made = new ArrayList<>(ROWS);
        String[] kinds = {"mention", "reply", "like", "follow"};
        for (int i = 0; i < ROWS; i++) {
            // a notification row as the agent hands it over: plain JDK values, in column order
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", 10_000L + i);
            row.put("org", "acme-" + (i % 7));
            row.put("user", (long) (i * 31 % 5000));
            row.put("kind", kinds[i % kinds.length]);
            row.put("title", "Title " + i);
            row.put("message", "Someone mentioned you in post " + i);
            row.put("read", i % 3 == 0);
            row.put("priority", i % 5);
            row.put("createdAt", "2026-11-25T20:05:" + (10 + i % 50) + "Z");
            row.put("post", 500L + i);
            made.add(row);
        }
        return made;
    }

    private Map<String, Object> nextRow() {
        next = (next + 1) & (ROWS - 1);
        return rows.get(next);
    }

    @Benchmark
    public String compiledTemplate() {
        return compiled.evaluate(nextRow());
    }

    @Benchmark
    public String peerRegexPerRow() {
        Map<String, Object> row = nextRow();
        Matcher matcher = PLACEHOLDER.matcher(TEMPLATE);
        StringBuilder room = new StringBuilder();
        while (matcher.find()) {
            Object value = row;
            for (String step : matcher.group(1).trim().split("\\.")) {
                value = value instanceof Map<?, ?> map ? map.get(step) : null;
            }
            if (value == null) {
                return null;
            }
            matcher.appendReplacement(room, Matcher.quoteReplacement(String.valueOf(value)));
        }
        matcher.appendTail(room);
        return room.toString();
    }

    @Benchmark
    public boolean compiledAuthPattern() {
        return allowed.matches(compiled.evaluate(nextRow()), claims);
    }
}
