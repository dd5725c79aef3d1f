package dev.rowcast.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.bootstrap.Sink;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session factory hook reports each factory a constructor completes, once, and none that throws. */
class SessionFactoryHookTest {

    /** Stands in for SessionFactoryImpl: constructors that return early, delegate, or throw. */
    public static final class Factory {
        final String name;

        public Factory(String name) {
            if (name.isEmpty()) {
                this.name = "unnamed";
                return;
            }
            this.name = name;
        }

        public Factory(String name, boolean fail) {
            this.name = name;
            if (fail) {
                throw new IllegalStateException("no factory");
            }
        }
    }

    private final List<Object> built = new CopyOnWriteArrayList<>();

    @AfterEach
    void uninstall() {
        Bridge.install(null);
    }

    @Test
    void everyConstructorThatReturnsReportsItsFactory() throws Exception {
        Bridge.install(sink());
        Class<?> hooked = hooked();

        Object early = hooked.getConstructor(String.class).newInstance("");
        Object named = hooked.getConstructor(String.class).newInstance("orders");
        Object second = hooked.getConstructor(String.class, boolean.class).newInstance("users", false);

        assertThat(built).containsExactly(early, named, second);
    }

    @Test
    void aConstructorThatThrowsReportsNothingAndStillThrows() throws Exception {
        Bridge.install(sink());
        Class<?> hooked = hooked();

        assertThatThrownBy(() -> hooked.getConstructor(String.class, boolean.class).newInstance("users", true))
                .isInstanceOf(InvocationTargetException.class).hasRootCauseMessage("no factory");
        assertThat(built).isEmpty();
    }

    @Test
    void aFailingSinkNeverReachesTheApp() throws Exception {
        Bridge.install((Sink) Proxy.newProxyInstance(Sink.class.getClassLoader(), new Class<?>[] {Sink.class}, (proxy, method, args) -> {
            throw new IllegalStateException("sink fault");
        }));

        Object factory = hooked().getConstructor(String.class).newInstance("orders");

        assertThat(factory).isNotNull();
    }

    @Test
    void anUnreadableClassFileIsLeftAlone() {
        assertThat(SessionFactoryHook.apply(new byte[] {1, 2, 3})).isNull();
        assertThat(SessionFactoryHook.applyToRegistry(new byte[] {1, 2, 3})).isNull();
    }

    /** Stands in for SessionFactoryRegistry: 7.x's addSessionFactory, and another method of the name. */
    public static final class Registry {
        final List<Object> added = new CopyOnWriteArrayList<>();

        public void addSessionFactory(String uuid, String name, String jndiName, Object factory, Object jndi) {
            added.add(factory);
        }

        public void addSessionFactory(String uuid) {
            added.add(uuid);
        }
    }

    @Test
    void aFactoryEnteringTheRegistryReportsItselfThroughItsFourthParameter() throws Exception {
        Bridge.install(sink());
        Class<?> hooked = hooked(Registry.class, SessionFactoryHook::applyToRegistry);
        Object registry = hooked.getConstructor().newInstance();
        Object factory = new Object();

        hooked.getMethod("addSessionFactory", String.class, String.class, String.class, Object.class, Object.class)
                .invoke(registry, "uuid", "name", null, factory, null);
        hooked.getMethod("addSessionFactory", String.class).invoke(registry, "uuid");

        assertThat(built).containsExactly(factory);
        // 5.6 and 6.6 (a boolean third) and 7.x (a String third): the factory is in slot 4
        assertThat(SessionFactoryHook.factorySlot("(Ljava/lang/String;Ljava/lang/String;ZLorg/hibernate/SessionFactory;"
                + "Lorg/hibernate/engine/jndi/spi/JndiService;)V")).isEqualTo(4);
        assertThat(SessionFactoryHook.factorySlot("(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;"
                + "Lorg/hibernate/engine/spi/SessionFactoryImplementor;Lorg/hibernate/engine/jndi/spi/JndiService;)V")).isEqualTo(4);
    }

    private Sink sink() {
        return (Sink) Proxy.newProxyInstance(Sink.class.getClassLoader(), new Class<?>[] {Sink.class}, (proxy, method, args) -> {
            if (method.getName().equals("sessionFactoryBuilt")) {
                built.add(args[0]);
            }
            return null;
        });
    }

    /** Factory as the hook rewrites it, defined in a loader of its own (Bridge resolves through the parent). */
    private static Class<?> hooked() throws Exception {
        return hooked(Factory.class, SessionFactoryHook::apply);
    }

    private static Class<?> hooked(Class<?> type, java.util.function.UnaryOperator<byte[]> hook) throws Exception {
        String resource = type.getName().replace('.', '/') + ".class";
        byte[] original;
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            original = in.readAllBytes();
        }
        byte[] rewritten = hook.apply(original);
        assertThat(rewritten).isNotNull();
        return new ClassLoader(SessionFactoryHookTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(type.getName())) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> done = findLoadedClass(name);
                        return done != null ? done : defineClass(name, rewritten, 0, rewritten.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        }.loadClass(type.getName());
    }
}
