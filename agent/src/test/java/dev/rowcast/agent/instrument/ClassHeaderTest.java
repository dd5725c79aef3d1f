package dev.rowcast.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gate decides from these few fields which classes Byte Buddy sees: they must match the JVM's view. */
class ClassHeaderTest {

    /** Long and double constants take two constant-pool slots; a class with them must still read right. */
    static final class WithWideConstants extends HashMap<String, Object> implements Runnable, AutoCloseable {
        static final long BIG = 1L << 40;
        static final double HALF = 0.5;

        @Override
        public void run() {
            put("x", BIG * HALF);
        }

        @Override
        public void close() {}
    }

    @Test
    void readsTheSuperClassAndInterfacesTheJvmSees() throws IOException {
        for (Class<?> type : List.of(String.class, HashMap.class, WithWideConstants.class, TimeUnit.class,
                Connection.class, ClassHeaderTest.class, InstrumentGate.class)) {
            ClassHeader header = ClassHeader.read(bytes(type));
            // an interface's class file names Object as its super class; reflection says null
            String superName = type.isInterface() ? "java/lang/Object" : internal(type.getSuperclass());
            assertThat(header.superName()).as(type.getName()).isEqualTo(superName);
            assertThat(header.interfaces()).as(type.getName())
                    .containsExactlyElementsOf(Arrays.stream(type.getInterfaces()).map(ClassHeaderTest::internal).toList());
        }
    }

    @Test
    void objectHasNoSuperClass() throws IOException {
        assertThat(ClassHeader.read(bytes(Object.class)).superName()).isNull();
    }

    @Test
    void bytesThatAreNotAClassFileAreRefused() {
        assertThatThrownBy(() -> ClassHeader.read("not a class".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }

    private static String internal(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internal(type) + ".class")) {
            return in.readAllBytes();
        }
    }
}
