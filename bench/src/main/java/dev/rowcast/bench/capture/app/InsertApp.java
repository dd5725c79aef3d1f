package dev.rowcast.bench.capture.app;

import dev.rowcast.bench.HostStat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;

/**
 * The insert-throughput child app of {@code CaptureBench}: an ordinary app that knows nothing of
 * Rowcast, run with and without the agent. It inserts rows in four ways, each for a fixed time,
 * and prints how many it managed:
 * <ul>
 *   <li>{@code hibernate-1}: Hibernate 6.6, one entity per transaction (session per transaction);</li>
 *   <li>{@code hibernate-50}: 50 entities per transaction (JDBC batch size 50);</li>
 *   <li>{@code jdbc-autocommit}: a PreparedStatement loop under autocommit;</li>
 *   <li>{@code jdbc-commit}: the same loop with autocommit off and commit() after each row.</li>
 * </ul>
 * Args: {@code <warmUpSeconds> <seconds> <workload,...> (<name> <jdbcUrl> <user> <password>)...}: one
 * or more databases, each warmed up and then measured in turn in this JVM (so the JIT's warm-up is
 * shared). With an agent attached it waits until the agent has started (its MBean is registered),
 * so the agent's own start-up does not overlap the warm-up. Line protocol: prints {@code READY},
 * waits for {@code go} on stdin, prints {@code RESULT <database> <workload> <rows> <nanos> <cpu nanos>
 * <cpu nanos until the agent caught up> <cpu nanos of the inserting thread>} and {@code THREADS
 * <database> <workload> <name=ms,...>} (the busiest threads in the window) per database and
 * workload, {@code AGENT ...}, {@code TOTAL <rows>}, {@code DONE}, and exits on {@code quit} (so
 * the harness can count what a client got).
 */
public final class InsertApp {

    private static final ObjectName AGENT_MBEAN = objectName("dev.rowcast:type=Agent");
    private static final String JDBC_INSERT = "INSERT INTO bench_row (id, owner, title, amount, done, created_at) VALUES (?, ?, ?, ?, ?, ?)";

    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.ThreadMXBean ALLOCATIONS = (com.sun.management.ThreadMXBean) THREADS;
    private static final RuntimeMXBean RUNTIME = ManagementFactory.getRuntimeMXBean();
    private static final boolean AGENT = RUNTIME.getInputArguments().stream()
            .anyMatch(option -> option.startsWith("-javaagent:"));
    /** Rows inserted while capture was on: what the agent must have delivered or dropped. */
    private static long total;
    private static boolean capturing = true;
    /** {@code -Dinsert.togglePairs=N}: measure with capture switched on and off in this JVM instead (see {@link #toggled}). */
    private static final int TOGGLE_PAIRS = Integer.getInteger("insert.togglePairs", 0);
    private static final long TOGGLE_SWITCH_NANOS = TimeUnit.MILLISECONDS.toNanos(Long.getLong("insert.toggleSwitchMillis", 500));
    /** See {@link #bounded}; {@code -Dinsert.keepRows=0} lets the tables grow for the whole run. */
    private static final long KEEP_ROWS = Long.getLong("insert.keepRows", 20_000);
    /**
     * {@code -Dinsert.threads=N}: every workload inserts on N threads, each on its own connection,
     * so that a database over a socket keeps both cores busy and the rate stops hanging on how fast
     * an idle core wakes. The tables are then not emptied (meant for PostgreSQL), and the "app
     * thread" figures are the first inserting thread's.
     */
    private static final int INSERT_THREADS = Integer.getInteger("insert.threads", 1);
    /** The CPU nanoseconds of the inserting threads besides the main one, which end with each run (so /proc no longer lists them). */
    private static final AtomicLong OTHER_INSERT_CPU = new AtomicLong();
    /** See {@link #warmReadings}. */
    private static boolean readingsWarm;
    /** {@code -Dinsert.windowTimes=true}: print each toggle window's side, start and end (ms of uptime) and rows, for the JIT's log. */
    private static final boolean WINDOW_TIMES = Boolean.getBoolean("insert.windowTimes");

    private final SessionFactory sessions;
    private final Connection jdbc;
    /** The other inserting threads' connections ({@link #INSERT_THREADS} - 1). */
    private final List<Connection> moreJdbc = new ArrayList<>();
    private long seq;
    /** The rows' numbers with more than one inserting thread. */
    private final AtomicLong sharedSeq = new AtomicLong(1L << 40);

    private InsertApp(String url, String user, String password) throws SQLException {
        Configuration configuration = new Configuration().addAnnotatedClass(BenchItem.class);
        configuration.setProperty("hibernate.connection.url", url);
        configuration.setProperty("hibernate.connection.username", user);
        configuration.setProperty("hibernate.connection.password", password);
        configuration.setProperty("hibernate.connection.pool_size", String.valueOf(Math.max(2, INSERT_THREADS)));
        configuration.setProperty("hibernate.hbm2ddl.auto", "create");
        configuration.setProperty("hibernate.jdbc.batch_size", "50");
        configuration.setProperty("hibernate.order_inserts", "true");
        this.sessions = configuration.buildSessionFactory();
        this.jdbc = DriverManager.getConnection(url, user, password);
        for (int k = 1; k < INSERT_THREADS; k++) {
            moreJdbc.add(DriverManager.getConnection(url, user, password));
        }
        try (Statement ddl = jdbc.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS bench_row");
            ddl.execute("CREATE TABLE bench_row (id BIGINT PRIMARY KEY, owner BIGINT, title VARCHAR(80), amount NUMERIC(12, 2),"
                    + " done BOOLEAN, created_at TIMESTAMP)");
        }
    }

    public static void main(String[] args) throws Exception {
        long warmUpNanos = TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(args[0]) * 1000));
        long nanos = TimeUnit.MILLISECONDS.toNanos((long) (Double.parseDouble(args[1]) * 1000));
        List<String> workloads = List.of(args[2].split(","));
        Map<String, InsertApp> apps = new LinkedHashMap<>();
        for (int k = 3; k + 3 < args.length; k += 4) {
            apps.put(args[k], new InsertApp(args[k + 1], args[k + 2], args[k + 3]));
        }
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        awaitAgent();
        System.out.println("READY");
        awaitLine(stdin, "go");
        for (InsertApp app : apps.values()) {
            for (String workload : workloads) {
                app.warmUp(workload, warmUpNanos);
                settle();
                app.truncate();
            }
        }
        if (TOGGLE_PAIRS > 0) {
            for (var db : apps.entrySet()) {
                for (String workload : workloads) {
                    db.getValue().toggled(db.getKey(), workload, nanos);
                }
            }
            workloads = List.of();
        }
        for (var db : apps.entrySet()) {
            for (String workload : workloads) {
                long cpu0 = OS.getProcessCpuTime();
                Map<String, Long> threads0 = threadTicks();
                long thread0 = THREADS.getCurrentThreadCpuTime();
                long[] done = db.getValue().run(workload, nanos);
                long threadCpu = THREADS.getCurrentThreadCpuTime() - thread0;
                Map<String, Long> threads1 = threadTicks();
                long cpuWindow = OS.getProcessCpuTime() - cpu0;
                settle(); // the agent's threads finish this workload's rows, so their CPU is counted here, not in the next
                long cpuSettled = OS.getProcessCpuTime() - cpu0;
                System.out.printf("RESULT %s %s %d %d %d %d %d%n", db.getKey(), workload, done[0], done[1], cpuWindow, cpuSettled, threadCpu);
                System.out.printf("THREADS %s %s %s%n", db.getKey(), workload, busiest(threads0, threads1));
                db.getValue().truncate();
            }
        }
        System.out.println("AGENT " + agentCounters());
        System.out.println("TOTAL " + total);
        System.out.println("DONE");
        awaitLine(stdin, "quit");
        for (InsertApp app : apps.values()) {
            app.sessions.close();
            app.jdbc.close();
            for (Connection connection : app.moreJdbc) {
                connection.close();
            }
        }
    }

    /**
     * Inserts unmeasured for {@code nanos}. Before a toggled run, its last seconds switch capture on
     * and off two to eight times (no more than half the warm-up allows), {@link #TOGGLE_SWITCH_NANOS}
     * apart, ending on. The JIT compiles the hooks, inlined into the driver's methods, for the side
     * it has seen; the first switches to the other side deoptimise them. The compiler's log had those
     * traps at the first three switches and none later, so without this they fell into the first
     * measured pairs. An app that never toggles never meets them.
     */
    private void warmUp(String workload, long nanos) throws Exception {
        if (TOGGLE_PAIRS == 0) {
            run(workload, nanos);
            return;
        }
        warmReadings();
        int switches = (int) Math.min(8, Math.max(2, nanos / 2 / TOGGLE_SWITCH_NANOS)) & ~1; // even: capture ends on
        run(workload, Math.max(0, nanos - switches * TOGGLE_SWITCH_NANOS));
        for (int k = 1; k <= switches; k++) {
            capturing = k % 2 == 0;
            MBEANS.setAttribute(AGENT_MBEAN, new Attribute("Enabled", capturing));
            run(workload, TOGGLE_SWITCH_NANOS);
        }
    }

    /**
     * Takes the windows' own readings (each thread's CPU from /proc, the host's steal) until the JIT
     * has compiled them. Taken a few times a window, they reached C2's thresholds only some windows
     * in: the JIT's log had its compiles of them ({@code String.split}, the file reads, 100-250 ms each)
     * inside measured windows, of either side, with the other core's CPU that they took.
     */
    private static void warmReadings() {
        if (readingsWarm) {
            return;
        }
        readingsWarm = true;
        for (int k = 0; k < 300; k++) {
            used(threadTicks(), threadTicks());
            HostStat.read();
        }
    }

    /**
     * The agent's share measured inside one JVM: windows with capture on and off through the agent's
     * MBean (its {@code Enabled}), in pairs whose order alternates (on-off, off-on, ...), so a drift
     * of the JVM's speed hits both sides alike. After each switch the app inserts unmeasured for
     * {@link #TOGGLE_SWITCH_NANOS} (the server's start or stop, the JIT meeting the other path), and
     * before the first pair for as long as {@link #leadIn} says.
     * Prints {@code PAIRS <database> <workload> <ratio of each pair>}, {@code STEAL <database> <workload>
     * <steal on/steal off of each pair>} (the share of the machine's CPU time the host took in each
     * window), {@code MACHINE <database> <workload> <cpu ratio/busy on/busy off of each pair>} (the
     * machine's CPU time per row, every process counted, off over on; and the share of the CPU time
     * the host left the machine that it used), {@code PERTHREAD <database> <workload> <name=on/off,...>} (each thread's CPU per row,
     * microseconds; see {@link #perRow}), {@code ALLOCATED <database> <workload> <who=on/off,...>} (bytes allocated
     * per row by the app's threads, the agent's pipeline and the rest; see {@link #allocated}), {@code COLLECTOR
     * <database> <workload> <collections a second on/off> <their time, % of the windows', on/off>} (a collector
     * that copies what capture keeps alive pauses the app longer: its time is not in the app thread's CPU),
     * {@code WAITED <database> <workload> <wait for a core, % of the windows', on/off> <switched out while
     * runnable, a second, on/off> <CPU in the kernel, % of the windows', on/off>} (the first inserting
     * thread's; see {@link #schedule}),
     * with {@code -Dinsert.windowTimes=true} {@code WINDOWS <database> <workload>
     * <on|off:start ms:end ms:rows of each window>} (uptime), and {@code TOGGLE <database>
     * <workload> <rows on> <nanos on> <app thread cpu on> <rows off> <nanos off> <app thread cpu off>
     * <pairs> <process cpu on> <process cpu off> <pipeline thread cpu on>} (the process's CPU counts
     * the agent's threads, the collector's and the JIT's in the window, not what the agent still had
     * queued at its end; the pipeline's, in 10 ms ticks, is given in nanoseconds).
     */
    private void toggled(String database, String workload, long windowNanos) throws Exception {
        long[] rows = new long[2];
        long[] elapsed = new long[2];
        long[] cpu = new long[2];
        long[] process = new long[2];
        long[] agent = new long[2];
        long[] collections = new long[2];
        long[] collectorMillis = new long[2];
        long[] waitedNanos = new long[2];
        long[] preempted = new long[2];
        long[] systemTicks = new long[2];
        List<Map<String, Long>> allocatedBytes = List.of(new HashMap<>(), new HashMap<>());
        List<Map<String, Long>> threadsUsed = List.of(new HashMap<>(), new HashMap<>());
        StringBuilder pairs = new StringBuilder();
        StringBuilder steals = new StringBuilder();
        StringBuilder machine = new StringBuilder();
        StringBuilder windows = new StringBuilder();
        leadIn(workload);
        for (int pair = 0; pair < TOGGLE_PAIRS; pair++) {
            double[] rate = new double[2];
            double[] steal = new double[2];
            double[] busy = new double[2];
            double[] workPerRow = new double[2];
            for (int k = 0; k < 2; k++) {
                int side = (pair + k) % 2; // 0 = on, 1 = off
                capturing = side == 0;
                MBEANS.setAttribute(AGENT_MBEAN, new Attribute("Enabled", capturing));
                run(workload, TOGGLE_SWITCH_NANOS);
                Map<String, Long> threads0 = threadTicks();
                long others0 = OTHER_INSERT_CPU.get();
                long agent0 = ticks("rowcast-pipelin");
                long process0 = OS.getProcessCpuTime();
                long thread0 = THREADS.getCurrentThreadCpuTime();
                long[] host0 = HostStat.read();
                long[] collector0 = collector();
                Map<String, Long> allocated0 = allocated();
                long[] sched0 = schedule();
                long uptime0 = RUNTIME.getUptime();
                long[] done = run(workload, windowNanos);
                long uptime1 = RUNTIME.getUptime();
                long[] sched1 = schedule();
                waitedNanos[side] += sched1[0] - sched0[0];
                preempted[side] += sched1[1] - sched0[1];
                systemTicks[side] += sched1[2] - sched0[2];
                Map<String, Long> allocated1 = allocated();
                long[] collector1 = collector();
                long[] host1 = HostStat.read();
                collections[side] += collector1[0] - collector0[0];
                collectorMillis[side] += collector1[1] - collector0[1];
                allocated1.forEach((who, bytes) -> allocatedBytes.get(side).merge(who, bytes - allocated0.getOrDefault(who, bytes), Long::sum));
                cpu[side] += THREADS.getCurrentThreadCpuTime() - thread0;
                process[side] += OS.getProcessCpuTime() - process0;
                agent[side] += ticks("rowcast-pipelin") - agent0;
                used(threads0, threadTicks()).forEach((name, ticks) -> {
                    if (!name.startsWith("insert")) { // counted whole below: a run's threads may still be ending at this reading
                        threadsUsed.get(side).merge(name, ticks, Long::sum);
                    }
                });
                threadsUsed.get(side).merge("insert-*", (OTHER_INSERT_CPU.get() - others0) / 10_000_000, Long::sum);
                rows[side] += done[0];
                elapsed[side] += done[1];
                rate[side] = done[0] / (double) done[1];
                windows.append(side == 0 ? " on:" : " off:").append(uptime0).append(':').append(uptime1).append(':').append(done[0]);
                steal[side] = (host1[0] - host0[0]) / (double) Math.max(1, host1[1] - host0[1]);
                long had = (host1[1] - host0[1]) - (host1[0] - host0[0]);
                long work = had - (host1[3] - host0[3]);
                busy[side] = work / (double) Math.max(1, had);
                workPerRow[side] = work / (double) Math.max(1, done[0]);
            }
            pairs.append(String.format(Locale.ROOT, " %.3f", rate[0] / rate[1])); // parsed by the harness
            steals.append(String.format(Locale.ROOT, " %.4f/%.4f", steal[0], steal[1]));
            machine.append(String.format(Locale.ROOT, " %.4f/%.4f/%.4f", workPerRow[1] / workPerRow[0], busy[0], busy[1]));
        }
        System.out.printf("PAIRS %s %s%s%n", database, workload, pairs);
        System.out.printf("STEAL %s %s%s%n", database, workload, steals);
        System.out.printf("MACHINE %s %s%s%n", database, workload, machine);
        System.out.printf("PERTHREAD %s %s %s%n", database, workload, perRow(threadsUsed, rows));
        System.out.printf(Locale.ROOT, "ALLOCATED %s %s %s%n", database, workload, allocatedPerRow(allocatedBytes, rows));
        System.out.printf(Locale.ROOT, "COLLECTOR %s %s %.2f/%.2f %.2f/%.2f%n", database, workload,
                collections[0] * 1e9 / elapsed[0], collections[1] * 1e9 / elapsed[1],
                collectorMillis[0] * 1e8 / elapsed[0], collectorMillis[1] * 1e8 / elapsed[1]);
        System.out.printf(Locale.ROOT, "WAITED %s %s %.2f/%.2f %.0f/%.0f %.2f/%.2f%n", database, workload,
                waitedNanos[0] * 100.0 / elapsed[0], waitedNanos[1] * 100.0 / elapsed[1],
                preempted[0] * 1e9 / elapsed[0], preempted[1] * 1e9 / elapsed[1],
                systemTicks[0] * 1e9 / elapsed[0], systemTicks[1] * 1e9 / elapsed[1]);
        if (WINDOW_TIMES) {
            System.out.printf("WINDOWS %s %s%s%n", database, workload, windows);
        }
        capturing = true;
        MBEANS.setAttribute(AGENT_MBEAN, new Attribute("Enabled", true));
        settle();
        System.out.printf("TOGGLE %s %s %d %d %d %d %d %d %d %d %d %d%n", database, workload, rows[0], elapsed[0], cpu[0],
                rows[1], elapsed[1], cpu[1], TOGGLE_PAIRS, process[0], process[1], agent[0] * 10_000_000);
        truncate();
    }

    /**
     * Inserts unmeasured, capture on, before the first pair: at least 2 s, then in half-second slices
     * until C2 used at most one 10 ms tick in one, 15 s at most. The truncate before it runs statements
     * with their SQL text through the hooks, and after a warm-up of 20 s the JIT is still at the
     * driver's and the loop's code: the JIT's log had 0.3-1.4 s of C2 (traps, then the compiles of
     * what they deoptimised) in the first windows. The first pair, always on first, was the low one.
     * With nothing before it, its median was 0.91 (Hibernate, one row per transaction, 11 JVMs) and
     * 0.85 (50, 5 JVMs); with a fixed 2 s, 0.80 (JDBC under autocommit) and 0.91 (Hibernate, 50), 5
     * JVMs each, against 0.98 and 1.01 for the other nine pairs.
     */
    private void leadIn(String workload) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        run(workload, TimeUnit.SECONDS.toNanos(2));
        while (System.nanoTime() < deadline) {
            long c2 = ticks("C2 CompilerThre");
            run(workload, TimeUnit.MILLISECONDS.toNanos(500));
            if (ticks("C2 CompilerThre") - c2 <= 1) {
                return;
            }
        }
    }

    /** Inserts for {@code nanos}; returns {rows, elapsed nanos}. */
    private long[] run(String workload, long nanos) throws Exception {
        long start = System.nanoTime();
        long end = start + nanos;
        long rows = 0;
        switch (workload) {
            case "hibernate-1" -> rows = onThreads(k -> hibernate(1, end));
            case "hibernate-50" -> rows = onThreads(k -> hibernate(50, end));
            case "jdbc-autocommit" -> rows = onThreads(k -> jdbc(k == 0 ? jdbc : moreJdbc.get(k - 1), true, end));
            case "jdbc-commit" -> rows = onThreads(k -> jdbc(k == 0 ? jdbc : moreJdbc.get(k - 1), false, end));
            default -> throw new IllegalArgumentException("unknown workload " + workload
                    + "; use hibernate-1, hibernate-50, jdbc-autocommit or jdbc-commit");
        }
        if (capturing) {
            total += rows;
        }
        return new long[] {rows, System.nanoTime() - start};
    }

    /** One inserting thread's loop: its rows. */
    @FunctionalInterface
    private interface Loop {
        long run(int thread) throws Exception;
    }

    /** Runs {@code loop} on {@link #INSERT_THREADS} threads, the first this one; the rows of all. */
    private long onThreads(Loop loop) throws Exception {
        if (INSERT_THREADS == 1) {
            return loop.run(0);
        }
        List<FutureTask<Long>> others = new ArrayList<>();
        for (int k = 1; k < INSERT_THREADS; k++) {
            int thread = k;
            FutureTask<Long> task = new FutureTask<>(() -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                try {
                    return loop.run(thread);
                } finally {
                    OTHER_INSERT_CPU.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu0);
                }
            });
            others.add(task);
            new Thread(task, "insert-" + k).start();
        }
        long rows = loop.run(0);
        for (FutureTask<Long> task : others) {
            rows += task.get();
        }
        return rows;
    }

    /** The next row's number: this JVM's own sequence with one thread, a shared one with several. */
    private long next() {
        return INSERT_THREADS == 1 ? seq++ : sharedSeq.getAndIncrement();
    }

    private long hibernate(int perTransaction, long end) throws SQLException {
        long rows = 0;
        while (System.nanoTime() < end) {
            hibernate(perTransaction);
            rows += INSERT_THREADS == 1 ? bounded(rows, perTransaction) : perTransaction;
        }
        return rows;
    }

    private void hibernate(int perTransaction) {
        try (Session session = sessions.openSession()) {
            Transaction tx = session.beginTransaction();
            for (int k = 0; k < perTransaction; k++) {
                long n = next();
                session.persist(new BenchItem(n % 16, "item " + n, BigDecimal.valueOf(n % 100_000, 2), Instant.now()));
            }
            tx.commit();
        }
    }

    private long jdbc(Connection connection, boolean autoCommit, long end) throws SQLException {
        connection.setAutoCommit(autoCommit);
        long rows = 0;
        try (PreparedStatement insert = connection.prepareStatement(JDBC_INSERT)) {
            while (System.nanoTime() < end) {
                long n = next();
                insert.setLong(1, n);
                insert.setLong(2, n % 16);
                insert.setString(3, "row " + n);
                insert.setBigDecimal(4, BigDecimal.valueOf(n % 100_000, 2));
                insert.setBoolean(5, false);
                insert.setTimestamp(6, Timestamp.from(Instant.now()));
                insert.executeUpdate();
                if (!autoCommit) {
                    connection.commit();
                }
                rows += INSERT_THREADS == 1 ? bounded(rows, 1) : 1;
            }
        }
        connection.setAutoCommit(true);
        return rows;
    }

    /** The collectors' count and accumulated time (ms) so far, all collectors summed. */
    private static long[] collector() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * The bytes each Java thread allocated so far, by who it is: the agent's pipeline, the app's
     * inserting threads ("app", this one included) and the rest ("others": the agent's server, JMX).
     */
    private static Map<String, Long> allocated() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = ALLOCATIONS.getThreadAllocatedBytes(ids);
        var infos = THREADS.getThreadInfo(ids);
        long self = Thread.currentThread().getId();
        Map<String, Long> byWho = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null || bytes[i] < 0) continue;
            String name = infos[i].getThreadName();
            String who = name.startsWith("rowcast-pipeline") ? "pipeline" : ids[i] == self || name.startsWith("insert") ? "app" : "others";
            byWho.merge(who, bytes[i], Long::sum);
        }
        return byWho;
    }

    /** Bytes allocated per row, on/off, by who allocated them (see {@link #allocated}). */
    private static String allocatedPerRow(List<Map<String, Long>> bytes, long[] rows) {
        return List.of("app", "pipeline", "others").stream()
                .map(who -> String.format(Locale.ROOT, "%s=%.0f/%.0f", who, bytes.get(0).getOrDefault(who, 0L) / (double) Math.max(1, rows[0]),
                        bytes.get(1).getOrDefault(who, 0L) / (double) Math.max(1, rows[1])))
                .collect(Collectors.joining(","));
    }

    /**
     * This thread's time so far waiting, runnable, for a core (nanoseconds, the scheduler's
     * {@code schedstat}), the times it was switched out while runnable, and its CPU in the kernel
     * (clock ticks of 10 ms); zeros off Linux. Whether the agent's threads take the inserting
     * thread's core, and whether its extra CPU a row is the kernel's (page faults) or its own code's.
     */
    private static long[] schedule() {
        try {
            String[] stat = Files.readString(Path.of("/proc/thread-self/schedstat")).trim().split(" ");
            long preempted = 0;
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    preempted = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            String own = Files.readString(Path.of("/proc/thread-self/stat"));
            long system = Long.parseLong(own.substring(own.lastIndexOf(')') + 2).split(" ")[12]);
            return new long[] {Long.parseLong(stat[1]), preempted, system};
        } catch (IOException | RuntimeException notLinux) {
            return new long[3];
        }
    }

    /** CPU time of each of this JVM's threads (Java's and the JVM's own), in clock ticks, keyed "name tid"; empty off Linux. */
    private static Map<String, Long> threadTicks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(name + " " + task.getFileName(), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException notLinux) {
            return Map.of();
        }
        return ticks;
    }

    /** The CPU ticks (10 ms) so far of the threads whose name starts with {@code name} (as /proc cuts it, 15 characters). */
    private static long ticks(String name) {
        long sum = 0;
        for (var e : threadTicks().entrySet()) {
            if (e.getKey().startsWith(name)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** The ticks each thread used between two {@link #threadTicks} readings, threads of one name ("insert-1", "GC Thread#0") summed. */
    private static Map<String, Long> used(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> byName = new HashMap<>();
        after.forEach((key, ticks) -> {
            long used = ticks - before.getOrDefault(key, 0L);
            if (used > 0) byName.merge(key.substring(0, key.lastIndexOf(' ')).replaceAll("#\\d+$|-\\d+$", "*"), used, Long::sum);
        });
        return byName;
    }

    /**
     * Each thread's CPU per row with capture on and off ({@code used} and {@code rows} indexed 0 = on,
     * 1 = off), as "name=on/off,..." in microseconds, the threads whose CPU differs most first: where
     * the process's extra CPU per row goes.
     */
    private static String perRow(List<Map<String, Long>> used, long[] rows) {
        Map<String, double[]> perRow = new HashMap<>();
        for (int side = 0; side < 2; side++) {
            int s = side;
            used.get(side).forEach((name, ticks) ->
                    perRow.computeIfAbsent(name, n -> new double[2])[s] = ticks * 10_000.0 / Math.max(1, rows[s]));
        }
        return perRow.entrySet().stream()
                .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -Math.abs(e.getValue()[0] - e.getValue()[1])))
                .limit(10)
                .map(e -> String.format(Locale.ROOT, "%s=%.2f/%.2f", e.getKey().replace(' ', '_'), e.getValue()[0], e.getValue()[1]))
                .collect(Collectors.joining(","));
    }

    /** The threads that used the most CPU between two {@link #threadTicks} readings, as "name=ms,...", threads of one name summed. */
    private static String busiest(Map<String, Long> before, Map<String, Long> after) {
        return used(before, after).entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> e.getKey().replace(' ', '_') + "=" + e.getValue() * 10).collect(Collectors.joining(","));
    }

    /**
     * Empties the tables every {@link #KEEP_ROWS} rows: an in-memory database that grows by hundreds of
     * megabytes makes the collector's copying of it most of a row's cost, and its pauses the largest
     * source of noise between runs. Returns {@code added}, for the caller's count.
     */
    private long bounded(long rows, long added) throws SQLException {
        if (KEEP_ROWS > 0 && (rows + added) / KEEP_ROWS != rows / KEEP_ROWS) {
            truncate();
        }
        return added;
    }

    /** Empties both tables between workloads, so the in-memory database does not fill the heap (not captured: no row events). */
    private void truncate() throws SQLException {
        try (Statement ddl = jdbc.createStatement()) {
            ddl.execute("TRUNCATE TABLE bench_row");
            ddl.execute("TRUNCATE TABLE bench_item");
        }
    }

    /**
     * With an agent attached: waits until it has started, i.e. registered its MBean after its server
     * (at most 60 s). Its start takes seconds of CPU that would otherwise fall into the warm-up.
     */
    private static void awaitAgent() throws InterruptedException {
        if (!AGENT) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!MBEANS.isRegistered(AGENT_MBEAN)) {
            if (System.nanoTime() > deadline) {
                System.out.println("WARN the agent's MBean " + AGENT_MBEAN + " is not registered after 60 s; measuring anyway");
                return;
            }
            Thread.sleep(10);
        }
    }

    /** With the agent: waits (at most 30 s) until it has captured and delivered every row so far. */
    private static void settle() throws Exception {
        if (!MBEANS.isRegistered(AGENT_MBEAN)) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            // every row delivered or dropped (a full queue drops a JDBC commit before it is counted as captured)
            if (counter("EventsEmitted") + counter("EventsDropped") >= total) {
                return;
            }
            Thread.sleep(5);
        }
        System.out.println("WARN the agent did not catch up within 30 s: " + agentCounters() + " after " + total + " rows");
    }

    private static String agentCounters() throws Exception {
        if (!MBEANS.isRegistered(AGENT_MBEAN)) {
            return "none";
        }
        return "captured=" + counter("EventsCaptured") + " emitted=" + counter("EventsEmitted") + " dropped=" + counter("EventsDropped");
    }

    private static long counter(String name) throws Exception {
        return ((Number) MBEANS.getAttribute(AGENT_MBEAN, name)).longValue();
    }

    private static void awaitLine(BufferedReader in, String word) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.trim().equals(word)) {
                return;
            }
        }
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
