package dev.rowcast.agent.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Method;

/**
 * Parameters of a driver's own classes that hold their value as text: PostgreSQL's PGobject, the
 * way a plain JDBC app binds json and jsonb (and enums, inet, interval, ...). Reading one calls two
 * getters of the object itself, never the database.
 */
final class DriverValues {

    /** What {@link #copy} returns for a value of a class it does not know. */
    static final Object UNKNOWN = new Object();

    /** Documents longer than this stay text, as a long text column does: parsing them would hold the pipeline's thread. */
    static final int MAX_PARSED_CHARS = ArrayParams.MAX_CHARS;
    private static final int MAX_DEPTH = 32;

    private static final String PG_OBJECT = "org.postgresql.util.PGobject";
    /**
     * As deep as a Hibernate JSON column is copied; numbers with a fraction as BigDecimal, so that
     * a jsonb value reaches clients as the database holds it.
     */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A class's getType() and getValue() when it is a PGobject; null otherwise. */
    private static final ClassValue<Method[]> TEXT_GETTERS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            for (Class<?> c = type; c != null; c = c.getSuperclass()) {
                if (c.getName().equals(PG_OBJECT)) {
                    try {
                        return new Method[] {c.getMethod("getType"), c.getMethod("getValue")};
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return null;
                    }
                }
            }
            return null;
        }
    };

    private DriverValues() {}

    /**
     * A PGobject's value: a {@link JsonDocument} for json and jsonb, its text for any other type,
     * null for SQL NULL; {@link #UNKNOWN} for a value of another class, or one whose getters fail.
     */
    static Object copy(Object value) {
        Method[] getters = TEXT_GETTERS.get(value.getClass());
        if (getters == null) {
            return UNKNOWN;
        }
        try {
            Object type = getters[0].invoke(value);
            Object text = getters[1].invoke(value);
            if (text == null) {
                return null;
            }
            return "json".equals(type) || "jsonb".equals(type) ? new JsonDocument(text.toString()) : text.toString();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    /** JSON text bound as a parameter: parsed into maps and lists on the pipeline thread, when its row is built. */
    record JsonDocument(String text) {

        /** The document as maps, lists and plain values; the text itself when it is not JSON, too long or too deep. */
        Object parsed() {
            if (text.length() > MAX_PARSED_CHARS) {
                return text;
            }
            try {
                return JSON.readValue(text, Object.class);
            } catch (JsonProcessingException | RuntimeException e) {
                return text;
            }
        }
    }
}
