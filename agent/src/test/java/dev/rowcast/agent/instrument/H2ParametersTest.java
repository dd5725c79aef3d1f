package dev.rowcast.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.IllegalClassFormatException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * H2 2.x's simple setters are left as H2 wrote them, their values read as the statement executes;
 * HikariCP's proxies hand their setters' values on; other drivers keep every hook.
 */
class H2ParametersTest {

    private static final ClassLoader LOADER = H2ParametersTest.class.getClassLoader();
    private static final String BRIDGE = "dev/rowcast/bootstrap/Bridge";

    @Test
    void h2TwosPreparedStatementIsRead() {
        assertThat(H2Parameters.readable(describe(LOADER, H2Parameters.STATEMENT), LOADER)).isTrue();
        assertThat(H2Parameters.readable(describe(LOADER, "org.h2.jdbc.JdbcCallableStatement"), LOADER)).isFalse();
    }

    /** H2 1.4 has ValueLong where 2.x has ValueBigint: an H2 without a class the advice names keeps the hooks. */
    @Test
    void anH2WithoutAClassTheAdviceNamesKeepsItsHooks() {
        ClassLoader older = hiding("org/h2/value/ValueBigint.class");
        assertThat(H2Parameters.readable(describe(older, H2Parameters.STATEMENT), older)).isFalse();
        ClassLoader noParameters = hiding("org/h2/expression/ParameterInterface.class");
        assertThat(H2Parameters.readable(describe(noParameters, H2Parameters.STATEMENT), noParameters)).isFalse();
    }

    @Test
    void h2sSimpleSettersAreLeftAloneAndItsExecuteCallsReadTheParameters() throws Exception {
        Calls calls = transformed("org.h2.jdbc.JdbcPreparedStatement");

        for (String setter : List.of("setLong(IJ)V", "setInt(II)V", "setShort(IS)V", "setByte(IB)V", "setBoolean(IZ)V",
                "setDouble(ID)V", "setFloat(IF)V", "setString(ILjava/lang/String;)V", "setNString(ILjava/lang/String;)V",
                "setBigDecimal(ILjava/math/BigDecimal;)V", "setNull(II)V", "setNull(IILjava/lang/String;)V")) {
            assertThat(calls.of(setter)).as(setter).isEmpty();
        }
        assertThat(calls.of("setTimestamp(ILjava/sql/Timestamp;)V")).containsExactly("parameterSet");
        assertThat(calls.of("setObject(ILjava/lang/Object;)V")).containsExactly("parameterSet");
        assertThat(calls.of("executeUpdate()I")).contains("readsParameters", "parametersRead", "executed");
        assertThat(calls.of("addBatch()V")).contains("readsParameters", "parametersRead", "batchAdded");
        assertThat(calls.of("executeQuery()Ljava/sql/ResultSet;")).contains("readsParameters", "parametersRead");
    }

    @Test
    void anotherDriversSettersKeepTheirHooks() throws Exception {
        Calls calls = transformed("org.postgresql.jdbc.PgPreparedStatement");

        assertThat(calls.of("setLong(IJ)V")).containsExactly("parameterSetLong");
        assertThat(calls.of("setString(ILjava/lang/String;)V")).containsExactly("parameterSet");
        assertThat(calls.of("setNull(II)V")).containsExactly("parameterSet");
        assertThat(calls.of("executeUpdate()I")).doesNotContain("readsParameters");
    }

    /** A pool's proxy hands each value to the driver's statement, whose hooks or read see it. */
    @Test
    void hikarisProxySettersAreLeftAloneAndItsExecuteCallsKeepTheirHooks() throws Exception {
        Calls calls = transformed("com.zaxxer.hikari.pool.HikariProxyPreparedStatement");

        assertThat(calls.of("setLong(IJ)V")).isEmpty();
        assertThat(calls.of("setTimestamp(ILjava/sql/Timestamp;)V")).isEmpty();
        assertThat(calls.of("executeUpdate()I")).contains("executed");
        assertThat(calls.of("addBatch()V")).contains("batchAdded");
    }

    private static TypeDescription describe(ClassLoader loader, String name) {
        return TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader)).describe(name).resolve();
    }

    /** The test's class loader, without one class file. */
    private static ClassLoader hiding(String resource) {
        return new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                return name.equals(resource) ? null : LOADER.getResource(name);
            }

            @Override
            public InputStream getResourceAsStream(String name) {
                return name.equals(resource) ? null : LOADER.getResourceAsStream(name);
            }
        };
    }

    /** The class as the agent's transformer writes it, as it loads. */
    private static Calls transformed(String className) throws IOException, IllegalClassFormatException {
        String path = className.replace('.', '/');
        byte[] original;
        try (InputStream in = LOADER.getResourceAsStream(path + ".class")) {
            original = in.readAllBytes();
        }
        byte[] bytes = Instrumentations.builder(true).makeRaw().transform(LOADER, path, null, null, original);
        assertThat(bytes).as("transformed").isNotNull();
        return new Calls(bytes);
    }

    /** The bridge's methods each method of a class file calls. */
    private static final class Calls {
        private final java.util.Map<String, List<String>> byMethod = new java.util.HashMap<>();

        Calls(byte[] classFile) {
            new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    List<String> calls = byMethod.computeIfAbsent(name + descriptor, k -> new ArrayList<>());
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
                            if (owner.equals(BRIDGE)) {
                                calls.add(method);
                            }
                        }
                    };
                }
            }, 0);
        }

        List<String> of(String method) {
            assertThat(byMethod).as("the class declares " + method).containsKey(method);
            return byMethod.get(method);
        }
    }
}
