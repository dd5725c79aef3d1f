package dev.rowcast.agent.instrument;

import dev.rowcast.agent.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's only class file transformer, registered first in premain and made of JDK classes
 * alone, so the app's start-up waits for neither Byte Buddy nor the config. It shows Byte Buddy
 * only the classes that may need advice, decided from the class file's header (microseconds),
 * instead of letting Byte Buddy parse every class the app loads (seconds for a Hibernate app).
 *
 * <p>Before the agent is ready (config read and checked, Byte Buddy built, sink installed):
 * <ul>
 *   <li>a class in {@link #HELD} waits for it: SessionFactoryImpl's constructor hook runs once per
 *       factory, so a factory built uninstrumented would never be captured; the API's
 *       {@code Rowcast} must find the agent running from the app's first call;</li>
 *   <li>any other class that may need advice (the JDBC driver's, the pool's) loads unchanged, and
 *       {@link #open} retransforms it. Rows written through it in between are not seen, and none
 *       could reach a client: the Socket.IO server starts only after {@link #open}, and before it
 *       listens no client is connected (the server drops what is emitted to it then).</li>
 *   <li>with {@code -Drowcast.debug.captureLog} every such class waits too: that log promises
 *       every row from the app's first, and the tests that read it rely on that.</li>
 * </ul>
 *
 * <p>Keep {@link #NAMED} and the {@code java.sql}/{@code javax.sql} rule in step with
 * {@link HibernateInstrumentation} and {@link JdbcInstrumentation}: a class the gate turns away
 * never reaches their matchers.
 */
public final class InstrumentGate implements ClassFileTransformer {

    /** Classes instrumented by name. */
    static final Set<String> NAMED = Set.of("org/hibernate/internal/SessionFactoryImpl", "org/hibernate/engine/spi/ActionQueue");

    /** Classes whose loading waits for the agent (see the class comment). */
    static final Set<String> HELD = Set.of("org/hibernate/internal/SessionFactoryImpl", "dev/rowcast/api/Rowcast");

    /** Byte Buddy's ignore list: never instrumented, so never worth a look. */
    private static final String[] IGNORED = {"dev/rowcast/", "java/", "jdk/", "sun/", "com/sun/"};

    /** Past this an app thread stops waiting (a start that never ends must not hang the app). */
    private static final long WAIT_SECONDS = 30;

    private final CountDownLatch decided = new CountDownLatch(1);
    private final Set<Thread> exempt = ConcurrentHashMap.newKeySet();
    /** Per class loader: does this type (internal name) have a java.sql or javax.sql super type? */
    private final Map<ClassLoader, Map<String, Boolean>> sqlTypes = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, Boolean> bootSqlTypes = new ConcurrentHashMap<>();
    private volatile ClassFileTransformer delegate;
    private volatile boolean jdbc = true; // until the config says otherwise
    private volatile Class<?>[] loadedBefore;
    private final boolean holdAll = !System.getProperty("rowcast.debug.captureLog", "").isBlank();
    /** Classes that may need advice and loaded unchanged before the agent was ready. */
    private final Set<String> loadedEarly = ConcurrentHashMap.newKeySet();

    private InstrumentGate() {}

    /** Registers the gate: from now on every class the JVM loads passes it. */
    public static InstrumentGate register(Instrumentation inst) {
        InstrumentGate gate = new InstrumentGate();
        inst.addTransformer(gate, true);
        gate.loadedBefore = inst.getAllLoadedClasses();
        return gate;
    }

    /** A thread of the agent's start: it never waits for itself. */
    public void exempt(Thread thread) {
        exempt.add(thread);
    }

    /**
     * The agent is ready: classes that may need advice go to {@code transformer} from now on, and
     * those already loaded (before the gate existed, or while it was not ready) are retransformed.
     */
    void open(ClassFileTransformer transformer, boolean withJdbc, Instrumentation inst) {
        delegate = transformer;
        jdbc = withJdbc;
        decided.countDown();
        Set<Class<?>> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(List.of(loadedBefore));
        loadedBefore = null;
        // a class let through just before open() may finish loading just after the first look: look again
        for (int attempt = 0; attempt < 50; attempt++) {
            List<Class<?>> early = new ArrayList<>();
            for (Class<?> type : inst.getAllLoadedClasses()) {
                String name = type.getName().replace('.', '/');
                if ((loadedEarly.remove(name) || before.remove(type)) && inst.isModifiableClass(type) && !type.isInterface()
                        && (NAMED.contains(name) || withJdbc && reachesSql(type))) {
                    early.add(type);
                }
            }
            retransform(inst, early);
            if (loadedEarly.isEmpty() || !withJdbc && NAMED.stream().noneMatch(loadedEarly::contains)) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loadedEarly.clear();
    }

    private static void retransform(Instrumentation inst, List<Class<?>> classes) {
        if (!classes.isEmpty()) {
            try {
                inst.retransformClasses(classes.toArray(Class<?>[]::new));
            } catch (Throwable t) {
                AgentLog.warn("cannot instrument " + classes.size() + " class(es) loaded before the agent was ready (" + t
                        + "); they run uninstrumented");
            }
        }
    }

    /** The agent stays inert: every class loads unchanged, no class waits, and the gate goes. */
    public void close(Instrumentation inst) {
        delegate = null;
        jdbc = false;
        loadedBefore = null;
        loadedEarly.clear();
        decided.countDown();
        inst.removeTransformer(this);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || !mayNeedAdvice(loader, className, classfileBuffer)) {
            return null;
        }
        if (decided.getCount() > 0) {
            if (!holdAll && !HELD.contains(className)) {
                loadedEarly.add(className); // open() retransforms it
                if (decided.getCount() > 0) {
                    return null;
                }
                loadedEarly.remove(className); // open() began meanwhile: transform it here
            } else if (!exempt.contains(Thread.currentThread()) && !await(className)) {
                return null;
            }
        }
        ClassFileTransformer target = delegate;
        boolean named = NAMED.contains(className);
        if (target == null || !named && (!jdbc || HELD.contains(className))) {
            return null;
        }
        try {
            return target.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            // Byte Buddy reports its own faults through the listener; a class must load regardless
            return null;
        }
    }

    private boolean await(String className) {
        try {
            if (decided.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
            AgentLog.warnOnce("start-wait", "not ready after " + WAIT_SECONDS + " s: " + className.replace('/', '.')
                    + " loads uninstrumented and its rows are not captured", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private boolean mayNeedAdvice(ClassLoader loader, String name, byte[] bytes) {
        if (NAMED.contains(name) || HELD.contains(name)) {
            return true;
        }
        if (!jdbc || ignored(name)) {
            return false;
        }
        try {
            return reachesSql(loader, name, bytes, 0);
        } catch (RuntimeException | IOException e) {
            return true; // unreadable here: let Byte Buddy decide
        }
    }

    private static boolean ignored(String name) {
        for (String prefix : IGNORED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code name} (loaded by {@code loader}) is or extends a java.sql or javax.sql type. */
    private boolean reachesSql(ClassLoader loader, String name, byte[] bytes, int depth) throws IOException {
        if (name.startsWith("java/sql/") || name.startsWith("javax/sql/")) {
            return true;
        }
        if (name.startsWith("java/")) {
            return false;
        }
        Map<String, Boolean> known = loader == null ? bootSqlTypes
                : sqlTypes.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        Boolean answer = known.get(name);
        if (answer != null) {
            return answer;
        }
        byte[] classFile = bytes != null ? bytes : read(loader, name);
        if (classFile == null || depth > 64) {
            return true; // a type with no class file to read (generated, say): Byte Buddy decides
        }
        ClassHeader header = ClassHeader.read(classFile);
        boolean reaches = header.superName() != null && reachesSql(loader, header.superName(), null, depth + 1);
        for (int i = 0; !reaches && i < header.interfaces().size(); i++) {
            reaches = reachesSql(loader, header.interfaces().get(i), null, depth + 1);
        }
        known.put(name, reaches);
        return reaches;
    }

    private static byte[] read(ClassLoader loader, String name) throws IOException {
        ClassLoader from = loader != null ? loader : ClassLoader.getPlatformClassLoader(); // it asks the boot loader first
        try (InputStream in = from.getResourceAsStream(name + ".class")) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The same question for a class already loaded: its Class objects answer it. */
    private static boolean reachesSql(Class<?> type) {
        if (ignored(type.getName().replace('.', '/'))) {
            return false;
        }
        List<Class<?>> pending = new ArrayList<>(List.of(type));
        while (!pending.isEmpty()) {
            Class<?> next = pending.remove(pending.size() - 1);
            String name = next.getName();
            if (name.startsWith("java.sql.") || name.startsWith("javax.sql.")) {
                return true;
            }
            if (next.getSuperclass() != null) {
                pending.add(next.getSuperclass());
            }
            pending.addAll(List.of(next.getInterfaces()));
        }
        return false;
    }
}
