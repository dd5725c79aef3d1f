package dev.rowcast.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.rowcast.bootstrap.Bridge;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.h2.command.CommandInterface;
import org.h2.expression.ParameterInterface;
import org.h2.value.Value;
import org.h2.value.ValueBigint;
import org.h2.value.ValueBoolean;
import org.h2.value.ValueDouble;
import org.h2.value.ValueInteger;
import org.h2.value.ValueNull;
import org.h2.value.ValueNumeric;
import org.h2.value.ValueReal;
import org.h2.value.ValueSmallint;
import org.h2.value.ValueTinyint;
import org.h2.value.ValueVarchar;

/**
 * H2 2.x's prepared statement: its simple setters ({@code setLong}, {@code setString},
 * {@code setNull} and the like) carry no hook, and their values are read from the statement as an
 * execute or addBatch call begins. H2 keeps each parameter as an immutable value, whose class says
 * which setter made it; a value of another class (a timestamp, an array, a stream) came from a
 * setter whose hook recorded what the app bound, which stays.
 *
 * <p>Why: a loop that inserts a row per commit into H2 in memory spends about 2 µs a row, and the
 * six hooks of a six-column row cost it a tenth of that. H2's setters are small enough for the JIT
 * to compile into the app's loop; with a hook, {@code setLong} was not. The read costs an execute
 * one call, and a second with the values for a statement that writes a configured table.
 *
 * <p>The advice names H2's classes, which the agent is compiled against and does not bundle: it
 * runs in H2's class loader. A version of H2 whose classes or methods differ ({@link #readable})
 * keeps the hooks on every setter.
 */
public final class H2Parameters {

    static final String STATEMENT = "org.h2.jdbc.JdbcPreparedStatement";

    /** The classes the advice names, which 1.4 does not have (it has ValueLong, ValueString, ...). */
    private static final List<String> VALUE_CLASSES = List.of("ValueBigint", "ValueInteger", "ValueSmallint", "ValueTinyint",
            "ValueBoolean", "ValueDouble", "ValueReal", "ValueVarchar", "ValueNumeric", "ValueNull");

    private H2Parameters() {}

    /** The setters whose values the read sees: each makes one of the value classes the advice knows, or SQL NULL. */
    static ElementMatcher.Junction<MethodDescription> readSetters() {
        return namedOneOf("setLong", "setInt", "setShort", "setByte", "setBoolean", "setDouble", "setFloat",
                "setString", "setNString", "setBigDecimal").and(takesArguments(2)).and(takesArgument(0, int.class))
                .or(named("setNull").and(takesArgument(0, int.class)));
    }

    /** The calls whose entry reads the parameters: each uses (or, addBatch, keeps) the values set so far. */
    static ElementMatcher.Junction<MethodDescription> readingCalls() {
        return namedOneOf("executeUpdate", "executeLargeUpdate", "execute", "executeQuery", "addBatch").and(takesArguments(0));
    }

    /**
     * Whether this type is H2's prepared statement as the advice knows it: its {@code command}
     * field, the methods the advice calls, and the value classes it names, looked up in the class
     * files of the type's class loader without loading them.
     */
    static boolean readable(TypeDescription type, ClassLoader loader) {
        if (!type.getName().equals(STATEMENT) || loader == null) {
            return false;
        }
        try {
            if (type.getDeclaredFields().filter(named("command")).isEmpty()) {
                return false;
            }
            TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
            for (String value : VALUE_CLASSES) {
                if (!pool.describe("org.h2.value." + value).isResolved()) {
                    return false;
                }
            }
            return declares(pool, "org.h2.command.CommandInterface", "getParameters")
                    && declares(pool, "org.h2.expression.ParameterInterface", "getParamValue")
                    && declares(pool, "org.h2.value.Value", "getLong", "getInt", "getShort", "getByte", "getBoolean",
                            "getDouble", "getFloat", "getString", "getBigDecimal");
        } catch (RuntimeException | LinkageError unknown) {
            return false;
        }
    }

    /** Whether the class declares each of these methods without parameters. */
    private static boolean declares(TypePool pool, String className, String... methods) {
        TypePool.Resolution resolution = pool.describe(className);
        if (!resolution.isResolved()) {
            return false;
        }
        MethodList<MethodDescription.InDefinedShape> declared = resolution.resolve().getDeclaredMethods();
        for (String method : methods) {
            if (declared.filter(named(method).and(takesArguments(0))).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Reads the parameters of a statement the capture watches: see the class's comment. */
    public static final class ReadAdvice {
        private ReadAdvice() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object statement, @Advice.FieldValue("command") Object command) {
            if (command != null && Bridge.readsParameters(statement)) {
                try {
                    ArrayList<? extends ParameterInterface> parameters = ((CommandInterface) command).getParameters();
                    int count = parameters.size();
                    Object[] values = new Object[count];
                    for (int i = 0; i < count; i++) {
                        Value v = parameters.get(i).getParamValue();
                        // a value's class is the setter's: setLong makes a ValueBigint, setString a ValueVarchar
                        values[i] = v == null ? null
                                : v instanceof ValueBigint ? (Object) v.getLong()
                                : v instanceof ValueVarchar ? v.getString()
                                : v instanceof ValueInteger ? (Object) v.getInt()
                                : v == ValueNull.INSTANCE ? Bridge.SQL_NULL
                                : v instanceof ValueNumeric ? v.getBigDecimal()
                                : v instanceof ValueBoolean ? (Object) v.getBoolean()
                                : v instanceof ValueDouble ? (Object) v.getDouble()
                                : v instanceof ValueReal ? (Object) v.getFloat()
                                : v instanceof ValueSmallint ? (Object) v.getShort()
                                : v instanceof ValueTinyint ? (Object) v.getByte()
                                : null;
                    }
                    Bridge.parametersRead(statement, values);
                } catch (Throwable t) {
                    Bridge.parametersUnread(statement, t);
                }
            }
        }
    }
}
