package dev.rowcast.agent.instrument;

import dev.rowcast.agent.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's only class file transformer, made of JDK classes alone. It shows Byte Buddy only the
 * classes that may need advice, decided from the class file's header (microseconds), instead of
 * letting Byte Buddy parse every class the app loads (seconds for a Hibernate app). Until
 * {@link #open} it does not even decide: it notes the name of each class that loads, and open()
 * asks the loaded Class objects (the header's answer needs the super types' class files read from
 * the jars, most of a second of the app's start for a Hibernate app).
 *
 * <p>When it is registered:
 * <ul>
 *   <li>at a launch that can wait (the usual one), only in {@link #open}, once the app's start has
 *       settled: while any transformer is registered the JVM copies every class file it loads for
 *       it, some 15 us a class in a cold JVM, and an app's start loads tens of thousands. open()
 *       retransforms the classes that need advice and loaded before it (SessionFactoryImpl among
 *       them), and the factories built before are found in Hibernate's registry
 *       ({@code RegisteredFactories}), or by their next session
 *       ({@link SessionFactoryHook#applyToSessions}). Rows written before are not seen, and none
 *       could reach a client: the Socket.IO server starts only after open();</li>
 *   <li>with {@code -Drowcast.debug.captureLog} or {@code -Drowcast.failFast=true}, in premain
 *       ({@link #register}). It then opens in two steps, {@link #ready} (the bridge on the boot
 *       class path) and {@link #open} (Byte Buddy built): a class in {@link #HELD} waits for ready()
 *       (SessionFactoryImpl, hooked by {@link SessionFactoryHook} with a few ASM classes; the API's
 *       {@code Rowcast}). Any other class that may need advice (the JDBC driver's, the pool's,
 *       ActionQueue) loads unchanged until open(), which retransforms it; with the capture log it
 *       waits for open() instead, which then follows ready() at once: that log promises every row
 *       from the app's first, and the tests that read it rely on that;</li>
 *   <li>attached to a running JVM, at the agent's start.</li>
 * </ul>
 *
 * <p>Keep {@link #NAMED} and {@link #SQL_TYPES} in step with {@link HibernateInstrumentation} and
 * {@link JdbcInstrumentation}: a class the gate turns away never reaches their matchers.
 */
public final class InstrumentGate implements ClassFileTransformer {

    /** Hooked by {@link SessionFactoryHook} (a few ASM classes), not Byte Buddy: the app waits for it. */
    static final String SESSION_FACTORY = "org/hibernate/internal/SessionFactoryImpl";

    /** Hooked by {@link SessionFactoryHook#applyToRegistry}: a factory reports itself as it enters the registry too. */
    static final String SESSION_FACTORY_REGISTRY = "org/hibernate/internal/SessionFactoryRegistry";

    /** Hooked by {@link SessionFactoryHook#applyToSessions}: a session reports its factory as it opens. */
    static final String SESSION_CONTRACT = "org/hibernate/internal/AbstractSharedSessionContract";

    /**
     * The queries whose {@code doExecuteUpdate()} runs a bulk write (HQL, JPQL, criteria, native SQL),
     * which {@link HibernateInstrumentation} hooks: 5.6's, 6.x's and 7.x's.
     */
    static final List<String> BULK_QUERIES = List.of("org/hibernate/query/internal/AbstractProducedQuery",
            "org/hibernate/query/internal/NativeQueryImpl", "org/hibernate/query/sqm/internal/QuerySqmImpl",
            "org/hibernate/query/sqm/internal/SqmQueryImpl", "org/hibernate/query/sql/internal/NativeQueryImpl");

    /** Classes instrumented by name. */
    static final Set<String> NAMED = named();

    private static Set<String> named() {
        Set<String> named = new HashSet<>(Set.of("org/hibernate/internal/SessionFactoryImpl", "org/hibernate/engine/spi/ActionQueue",
                "org/hibernate/internal/StatelessSessionImpl", SESSION_FACTORY_REGISTRY, SESSION_CONTRACT));
        named.addAll(BULK_QUERIES);
        return Set.copyOf(named);
    }

    /**
     * The JDBC types {@link JdbcInstrumentation} matches the subtypes of (with their JDK subtypes):
     * only their implementations reach Byte Buddy, not a driver's exceptions, metadata or data sources.
     */
    static final Set<String> SQL_TYPES = Set.of("java/sql/Connection", "java/sql/Statement", "java/sql/PreparedStatement",
            "java/sql/CallableStatement", "java/sql/ResultSet", "javax/sql/RowSet");

    /** Classes whose loading waits for the agent (see the class comment). */
    static final Set<String> HELD = Set.of("org/hibernate/internal/SessionFactoryImpl", "dev/rowcast/api/Rowcast");

    /** Byte Buddy's ignore list: never instrumented, so never worth a look. */
    private static final String[] IGNORED = {"dev/rowcast/", "java/", "jdk/", "sun/", "com/sun/"};

    /** Past this an app thread stops waiting (a start that never ends must not hang the app). */
    private static final long WAIT_SECONDS = 30;

    private final CountDownLatch decided = new CountDownLatch(1);
    private final Set<Thread> exempt = ConcurrentHashMap.newKeySet();
    /** Per class loader: does this type (internal name) have one of {@link #SQL_TYPES} as a super type? */
    private final Map<ClassLoader, Map<String, Boolean>> sqlTypes = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<String, Boolean> bootSqlTypes = new ConcurrentHashMap<>();
    private volatile ClassFileTransformer delegate;
    /** Set by {@link #ready}: the bridge is in place, so {@link SessionFactoryHook} may call it. */
    private volatile boolean sessionFactoryHook;
    private volatile boolean jdbc = true; // until the config says otherwise
    private volatile Class<?>[] loadedBefore;
    private final boolean holdAll = !System.getProperty("rowcast.debug.captureLog", "").isBlank();
    /** Classes that may need advice and loaded unchanged before the agent was ready. */
    private final Set<String> loadedEarly = ConcurrentHashMap.newKeySet();
    /** For the start's timings: how long app threads waited here, how many classes went to Byte Buddy. */
    private final AtomicLong heldNanos = new AtomicLong();
    private final AtomicInteger handedOver = new AtomicInteger();
    private final LongAdder lookNanos = new LongAdder();
    private final LongAdder looked = new LongAdder();
    /** Every class the JVM defined while the gate was in: how busy the app's start still is. */
    private final LongAdder defined = new LongAdder();
    private volatile int retransformed;

    private final Instrumentation inst;
    private volatile boolean registered;

    private InstrumentGate(Instrumentation inst) {
        this.inst = inst;
    }

    /** A gate not yet registered: no class passes it until {@link #register}. */
    public static InstrumentGate create(Instrumentation inst) {
        return new InstrumentGate(inst);
    }

    /**
     * Registers the gate: from now on every class the JVM loads passes it, and the JVM copies each
     * class file for it (some 15 us a class in a cold JVM, most of it the JDK's own work), which is
     * why a start that can wait registers it only once the app's start has settled.
     */
    public synchronized void register() {
        if (!registered) {
            registered = true;
            inst.addTransformer(this, true);
            loadedBefore = inst.getAllLoadedClasses();
        }
    }

    /** A thread of the agent's start: it never waits for itself. */
    public void exempt(Thread thread) {
        exempt.add(thread);
    }

    /**
     * The bridge is in (capture may follow later: the bridge keeps the factories built meanwhile):
     * held classes go on, and SessionFactoryImpl is hooked as it loads. Byte Buddy's classes (JDBC,
     * ActionQueue) keep loading unchanged until {@link #open}, which retransforms them. With the
     * capture log every class waits for open().
     */
    public void ready(boolean withJdbc) {
        jdbc = withJdbc;
        sessionFactoryHook = true;
        if (!holdAll) {
            decided.countDown();
        }
    }

    /** Whether every class that may need advice waits for {@link #open} (the capture log's promise). */
    public boolean holdsAll() {
        return holdAll;
    }

    /**
     * Byte Buddy is ready: classes that may need advice go to {@code transformer} from now on, and
     * those already loaded (before the gate existed, or before this) are retransformed.
     */
    void open(ClassFileTransformer transformer, boolean withJdbc) {
        register(); // a start that waited for the app to settle registers the gate only now
        delegate = transformer;
        jdbc = withJdbc;
        sessionFactoryHook = true;
        decided.countDown();
        Set<Class<?>> before = Collections.newSetFromMap(new IdentityHashMap<>());
        before.addAll(List.of(loadedBefore));
        loadedBefore = null;
        // a class let through just before open() may finish loading just after the first look: look again
        // (names of classes that failed to load stay noted: a few looks, not a wait for them)
        Map<Class<?>, Boolean> known = new IdentityHashMap<>();
        for (int attempt = 0; attempt < 5; attempt++) {
            List<Class<?>> early = new ArrayList<>();
            for (Class<?> type : inst.getAllLoadedClasses()) {
                String name = type.getName().replace('.', '/');
                if ((loadedEarly.remove(name) || before.remove(type)) && inst.isModifiableClass(type) && !type.isInterface()
                        && (NAMED.contains(name) || withJdbc && reachesSql(type, known))) {
                    early.add(type);
                }
            }
            retransform(early);
            retransformed += early.size();
            if (loadedEarly.isEmpty() || !withJdbc && NAMED.stream().noneMatch(loadedEarly::contains)) {
                break;
            }
            try {
                Thread.sleep(10L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        loadedEarly.clear();
    }

    private void retransform(List<Class<?>> classes) {
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
    public void close() {
        delegate = null;
        sessionFactoryHook = false;
        jdbc = false;
        loadedBefore = null;
        loadedEarly.clear();
        decided.countDown();
        inst.removeTransformer(this);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (classBeingRedefined == null) {
            defined.increment();
        }
        if (className == null) {
            return null;
        }
        if (delegate == null && !holdAll && !HELD.contains(className)) {
            // nothing waits for this class and Byte Buddy is not in yet: note its name, and open() asks its
            // Class object whether it needs advice (reading super types' class files here cost the app's
            // start most of a second for a Hibernate app)
            if (NAMED.contains(className) || jdbc && !ignored(className)) {
                loadedEarly.add(className);
                if (delegate == null) {
                    return null;
                }
                loadedEarly.remove(className); // open() began meanwhile: decide here
            } else {
                return null;
            }
        }
        long lookStart = System.nanoTime();
        boolean candidate = mayNeedAdvice(loader, className, classfileBuffer);
        lookNanos.add(System.nanoTime() - lookStart);
        looked.increment();
        if (!candidate) {
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
        if (SESSION_FACTORY.equals(className)) {
            return sessionFactoryHook ? SessionFactoryHook.apply(classfileBuffer) : null;
        }
        if (SESSION_FACTORY_REGISTRY.equals(className)) {
            return sessionFactoryHook ? SessionFactoryHook.applyToRegistry(classfileBuffer) : null;
        }
        if (SESSION_CONTRACT.equals(className)) {
            return sessionFactoryHook ? SessionFactoryHook.applyToSessions(classfileBuffer) : null;
        }
        ClassFileTransformer target = delegate;
        boolean named = NAMED.contains(className);
        if (target == null || !named && (!jdbc || HELD.contains(className))) {
            return null;
        }
        handedOver.incrementAndGet();
        try {
            return target.transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            // Byte Buddy reports its own faults through the listener; a class must load regardless
            return null;
        }
    }

    private boolean await(String className) {
        long start = System.nanoTime();
        try {
            if (decided.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                return true;
            }
            AgentLog.warnOnce("start-wait", "not ready after " + WAIT_SECONDS + " s: " + className.replace('/', '.')
                    + " loads uninstrumented and its rows are not captured", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            heldNanos.addAndGet(System.nanoTime() - start);
        }
        return false;
    }

    /**
     * A count that grows by one for each class the JVM defines: those defined since the gate was
     * registered or, before that, all the JVM has loaded (only its changes mean anything).
     */
    public long classesDefined() {
        return registered ? defined.sum() : inst.getAllLoadedClasses().length;
    }

    /** The gate's part in the start's timings. */
    public String stats() {
        return "app threads held " + heldNanos.get() / 1_000_000 + " ms, " + looked.sum() + " class(es) looked at in "
                + lookNanos.sum() / 1_000_000 + " ms, " + handedOver.get() + " handed to Byte Buddy, " + retransformed + " retransformed";
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

    /** Whether {@code name} (loaded by {@code loader}) is or extends one of {@link #SQL_TYPES}. */
    private boolean reachesSql(ClassLoader loader, String name, byte[] bytes, int depth) throws IOException {
        if (name.startsWith("java/sql/") || name.startsWith("javax/sql/")) {
            return isSqlType(name);
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

    /** A JDK JDBC type: one of ours, or a javax.sql.rowset interface (they extend RowSet). */
    private static boolean isSqlType(String name) {
        return SQL_TYPES.contains(name) || name.startsWith("javax/sql/rowset/");
    }

    /**
     * The same question for a class already loaded: its Class objects answer it. {@code known}
     * remembers each super type's answer across the classes of one look (thousands share them).
     */
    private static boolean reachesSql(Class<?> type, Map<Class<?>, Boolean> known) {
        Boolean answer = known.get(type);
        if (answer != null) {
            return answer;
        }
        String name = type.getName();
        boolean reaches;
        if (name.startsWith("java.sql.") || name.startsWith("javax.sql.")) {
            reaches = isSqlType(name.replace('.', '/')); // the other JDBC types extend none of ours
        } else if (ignored(name.replace('.', '/'))) {
            reaches = false;
        } else {
            reaches = type.getSuperclass() != null && reachesSql(type.getSuperclass(), known);
            for (Class<?> implemented : type.getInterfaces()) {
                reaches = reaches || reachesSql(implemented, known);
            }
        }
        known.put(type, reaches);
        return reaches;
    }
}
