package dev.rowcast.agent;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.agent.hibernate.HibernateHook;
import dev.rowcast.agent.hibernate.RegisteredFactories;
import dev.rowcast.agent.instrument.InstrumentGate;
import dev.rowcast.agent.instrument.Instrumentations;
import dev.rowcast.agent.jmx.AgentControl;
import dev.rowcast.agent.jmx.AgentControlMBean;
import dev.rowcast.agent.jdbc.HibernateTables;
import dev.rowcast.agent.jdbc.JdbcCapture;
import dev.rowcast.agent.jdbc.JdbcCommit;
import dev.rowcast.agent.outlet.CaptureLogOutlet;
import dev.rowcast.agent.outlet.Outlet;
import dev.rowcast.agent.outlet.ServerOutlet;
import dev.rowcast.agent.route.Delivery;
import dev.rowcast.agent.route.PlainValues;
import dev.rowcast.agent.route.Router;
import dev.rowcast.bootstrap.Bridge;
import dev.rowcast.bootstrap.Sink;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.FieldFilter;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RoomTemplate;
import dev.rowcast.config.RowcastConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The running agent: the {@link Sink} behind the bridge. App threads only reach the capture
 * stages (Hibernate listener, JDBC buffers), which enqueue; routing and delivery run on the
 * pipeline thread.
 */
public final class AgentRuntime implements Sink, AgentControlMBean {

    private final RowcastConfig config;
    private final ServerOutlet server;
    private final Metrics metrics = new Metrics();
    private final Router router = new Router();
    /** A commit's rows while the pipeline routes them; one list, reused. */
    private final List<CapturedRow> committedRows = new ArrayList<>();
    private final List<Outlet> outlets = new CopyOnWriteArrayList<>();
    private final Pipeline pipeline;
    private final HibernateHook hibernate;
    private final JdbcCapture jdbc;
    private final InstrumentGate gate;
    private final boolean anyTable;
    /** The JDBC hooks are in: every connection's transactions are followed. */
    private volatile boolean jdbcFollowed;
    private boolean hooksInstalled;
    private volatile boolean enabled = true;
    /** False until the server's start was tried: an event before that reaches no client and is counted as dropped. */
    private volatile boolean serving;
    private volatile boolean stopped;
    private final LongAdder beforeServing = new LongAdder();
    /** The collections whose row without a room was said in the log; the pipeline thread's own. */
    private final Set<CollectionConfig> saidNoRoom = Collections.newSetFromMap(new IdentityHashMap<>());

    private AgentRuntime(RowcastConfig config, ServerOutlet server, InstrumentGate gate) {
        this.config = config;
        this.gate = gate;
        this.anyTable = config.collections().values().stream().anyMatch(rule -> rule.table().isPresent());
        this.server = server;
        this.outlets.add(server);
        this.pipeline = new Pipeline(this::route, metrics);
        HibernateTables hibernateTables = new HibernateTables();
        this.jdbc = new JdbcCapture(config, pipeline, metrics, this::enabled, hibernateTables);
        this.hibernate = new HibernateHook(config, pipeline, metrics, this::enabled, hibernateTables, jdbc::entityWritten,
                () -> jdbcFollowed);
    }

    /**
     * The runtime, serving through {@code server} (whose port the caller has reserved: a client that
     * connects before the server runs waits in the backlog instead of being refused); capture
     * starts with {@link #startCapture}. The caller's exit hook calls {@link #shutdown()}. Needs
     * the bridge on the boot class path: this class is its {@link Sink}.
     */
    static AgentRuntime create(RowcastConfig config, ServerOutlet server, InstrumentGate gate) throws IOException {
        AgentRuntime runtime = new AgentRuntime(config, server, gate);
        String captureLog = System.getProperty("rowcast.debug.captureLog");
        if (captureLog != null && !captureLog.isBlank()) {
            runtime.outlets.add(new CaptureLogOutlet(Path.of(captureLog)));
        }
        return runtime;
    }

    /**
     * Starts capture: the pipeline, then the bridge's sink, which adds the listeners to every
     * SessionFactory built so far. With the capture log, which promises every row, the server and
     * the hooks follow at once, before the classes the gate holds go on.
     */
    synchronized void startCapture(Instrumentation inst, RowcastAgent.StartPhases phases) {
        if (stopped) {
            return;
        }
        pipeline.start();
        Bridge.install(this);
        gate.ready(anyTable);
        phases.end("capture ready");
        if (gate.holdsAll()) {
            serve(inst, phases);
        }
    }

    /**
     * Byte Buddy's hooks (JDBC, ActionQueue) and SessionFactoryImpl's, unless that one is in from
     * {@link InstrumentGate#ready}; then the factories Hibernate built before (the hook and the
     * registry may both name one: capture adds its listeners once).
     */
    private void installHooks(Instrumentation inst, RowcastAgent.StartPhases phases) {
        if (!hooksInstalled) {
            hooksInstalled = true;
            try {
                Instrumentations.install(inst, gate, anyTable, phases::end);
                jdbcFollowed = anyTable;
            } catch (Throwable t) {
                AgentLog.error("cannot install the JDBC hooks (" + t + "); Hibernate entity rows are still captured");
            }
            hibernate.sessionFactoriesFound(RegisteredFactories.find(inst));
            phases.end("session factories found");
        }
    }

    /**
     * Installs Byte Buddy's hooks, starts the server and registers JMX, on a daemon thread, once the
     * app's own start has settled when {@code awaitSettle} asks: Byte Buddy, Netty, the server and
     * its JSON are some 2,000 classes whose loading and compiling would compete for the cores with
     * the app's start, and nothing the app waits for needs them. An event committed before the
     * server runs reaches no one: it is counted as dropped (JMX eventsDropped) and the number is
     * logged when the server runs.
     */
    void serveWhenAppSettles(boolean awaitSettle, Instrumentation inst, RowcastAgent.StartPhases phases) {
        Thread starter = new Thread(() -> {
            if (awaitSettle && !gate.holdsAll()) { // the capture log's runs want every row served, from the start
                SettleWatch.await(gate, () -> stopped);
                phases.end("waited for the app to settle");
            }
            if (!serve(inst, phases) && !serving) {
                return; // stopped
            }
            long early = beforeServing.sum();
            if (early > 0) {
                AgentLog.info(early + " event(s) committed before the Socket.IO server listened reached no client"
                        + " (counted in EventsDropped)");
            }
            AgentControl.register(this);
            phases.end("JMX registered");
            phases.log(gate.stats());
        }, "rowcast-start-server");
        starter.setDaemon(true);
        starter.start();
    }

    /**
     * Byte Buddy's hooks and the server, once; false when already done or stopped. The hooks come
     * first, so a client that finds the server listening finds every row captured; with the capture
     * log the server comes first, as the gate holds the app's classes until the hooks are in, and
     * the app's first row must find it serving.
     */
    private synchronized boolean serve(Instrumentation inst, RowcastAgent.StartPhases phases) {
        if (stopped || serving) {
            return false;
        }
        if (!gate.holdsAll()) {
            installHooks(inst, phases);
        }
        server.start();
        serving = true;
        phases.end("server started");
        if (gate.holdsAll()) {
            installHooks(inst, phases);
        }
        return true;
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * On the pipeline thread. An event's {@code ts} is when the pipeline took its row, not a clock
     * read at the commit: a read costs the committing thread some 28 ns on this machine's virtual
     * clock, about 1.5% of an insert into H2 in memory, and the pipeline takes a row soon after its
     * commit (see the README). Writes that waited for the app to read their keys carry their commit's.
     * Read for every item, into a local: one item can take milliseconds (an emit to a room of
     * thousands), and no field the app's thread reads beside it is written.
     */
    private void route(Object item) {
        if (item instanceof CapturedRow row) {
            metrics.routedCaptured.increment();
            jdbc.publishedElsewhere(row);
            deliver(row, System.currentTimeMillis());
        } else if (item instanceof JdbcCommit commit) {
            long ts = commit.committedAt() > 0 ? commit.committedAt() : System.currentTimeMillis();
            try {
                jdbc.rows(commit, committedRows);
                for (CapturedRow row : committedRows) {
                    metrics.routedCaptured.increment();
                    deliver(row, ts);
                }
            } finally {
                // a failed row must not come back with the next commit's
                committedRows.clear();
            }
        } else if (item instanceof PendingEmit emit) {
            deliver(new Delivery(emit.event(), List.of(emit.room()), false, () -> PlainValues.of(emit.payload())));
        } else if (item instanceof Delivery delivery) {
            deliver(delivery);
        }
    }

    private void deliver(CapturedRow row, long ts) {
        if (onlyHiddenChanged(row)) {
            // to its clients nothing changed, and an event would tell them that a field kept from them did
            metrics.routedDropped.increment();
            return;
        }
        Delivery delivery = router.route(row, ts);
        deliver(delivery);
        // said once per collection; the set spares every later such row the message's making
        // (a collection without rooms was said at the start, with the config's other warnings)
        if (!delivery.deliverable() && serving && !row.rule().rooms().isEmpty() && saidNoRoom.add(row.rule())) {
            AgentLog.warn(noRoom(row));
        }
    }

    /**
     * An update whose every changed field {@code fields:} keeps out of the event, and no room reads
     * (a hidden field that a room reads moves the row into another room, which must hear of it), or
     * one that changed nothing the row holds (a Hibernate entity whose collection alone changed).
     */
    static boolean onlyHiddenChanged(CapturedRow row) {
        if (row.operation() != Operation.UPDATE) {
            return false;
        }
        if (row.changes().isEmpty()) {
            return true;
        }
        FieldFilter fields = row.rule().fields();
        if (fields.mode() == FieldFilter.Mode.ALL) {
            return false;
        }
        for (String changed : row.changes()) {
            if (fields.allows(changed)) {
                return false;
            }
            for (RoomTemplate room : row.rule().rooms()) {
                if (room.columns().contains(changed)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Why a row of a collection with {@code broadcast: false} went nowhere, and what would send it. */
    static String noRoom(CapturedRow row) {
        CollectionConfig rule = row.rule();
        Set<String> missing = new LinkedHashSet<>();
        Set<String> scalars = new LinkedHashSet<>();
        for (RoomTemplate room : rule.rooms()) {
            for (String column : room.columns()) {
                if (row.data().get(column) == null) {
                    missing.add(column);
                }
            }
            for (String path : room.properties()) {
                String head = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
                Object value = row.data().get(head);
                if (!path.equals(head) && !path.equals(head + ".id") && value != null && !(value instanceof Map<?, ?>)) {
                    // the value's type, not the value: a log line is no place for a row's data
                    scalars.add("{" + path + "} reads into " + head + ", which is a " + value.getClass().getSimpleName()
                            + " (an association is published as its identifier: {" + head + "} reads that)");
                }
            }
        }
        String templates = rule.rooms().stream().map(RoomTemplate::source).collect(Collectors.joining(", "));
        return "a row of collection " + rule.slug() + " (" + row.origin() + ", " + row.operation().wireName() + ") resolved none of its rooms ("
                + templates + ")" + (missing.isEmpty() ? "" : ": it has no value for " + String.join(", ", missing))
                + (scalars.isEmpty() ? "" : (missing.isEmpty() ? ": " : "; ") + String.join("; ", scalars))
                + "; with broadcast: false it was dropped and counted in EventsDropped, as any later such row of it is. "
                + (row.id() == null && row.operation() == Operation.CREATE && "jdbc".equals(row.origin())
                        ? "A JDBC insert has an id only once the app reads its generated keys. " : "")
                + (row.id() == null && row.operation() != Operation.CREATE && "jdbc".equals(row.origin())
                        ? "This " + row.operation().wireName() + " names no single row by its id (its WHERE reads other columns, or"
                                + " none, or lists ids of which fewer were found), so which rows it met is not known, and only the"
                                + " columns its SQL names can give its room" + (missing.isEmpty() ? "" : " (" + String.join(", ", missing)
                                + " in its WHERE)") + ". "
                : row.operation() != Operation.CREATE && "jdbc".equals(row.origin()) && !missing.isEmpty()
                        ? "A JDBC update or delete carries the columns its SQL names, and those Rowcast remembers of the rows it saw"
                                + " written (not one written before it started, by another process, or by Hibernate for an entity: collection, nor a column a write of several rows"
                                + " set, as in UPDATE ... SET " + missing.iterator().next() + " = ? WHERE another_column = ?; of a row an upsert wrote, only its id"
                                + " and the columns its SET names, such as " + String.join(", ", missing.stream().map(c -> c + " = EXCLUDED." + c).toList())
                                + "). " : "")
                + "Only if every client may see such rows, broadcast: true sends them to all.";
    }

    private void deliver(Delivery delivery) {
        for (Outlet outlet : outlets) {
            outlet.deliver(delivery);
        }
        if (!serving) {
            beforeServing.increment();
            metrics.routedDropped.increment();
        } else if (delivery.deliverable()) {
            metrics.emitted.increment();
        } else {
            // no room resolved and broadcast is off: the plugin would have leaked it to everyone
            metrics.routedDropped.increment();
        }
    }

    void shutdown() {
        stopped = true; // a server not started yet stays so; one starting now is closed when the JVM halts
        pipeline.stop(2_000);
        List<Outlet> closing = new ArrayList<>(outlets);
        outlets.clear();
        for (Outlet outlet : closing) {
            if (outlet instanceof ServerOutlet serverOutlet) {
                serverOutlet.closeAtExit();
            } else {
                outlet.close();
            }
        }
    }

    // ---- Sink: called on the app's threads through the bridge ----

    @Override
    public void sessionFactoryBuilt(Object sessionFactory) {
        hibernate.sessionFactoryBuilt(sessionFactory);
    }

    @Override
    public void statementPrepared(Object connection, Object statement, String sql) {
        jdbc.statementPrepared(connection, statement, sql);
    }

    @Override
    public void parameterSet(Object statement, int index, Object value) {
        jdbc.parameterSet(statement, index, value);
    }

    @Override
    public boolean readsParameters(Object statement) {
        return jdbc.readsParameters(statement);
    }

    @Override
    public void parametersRead(Object statement, Object[] values) {
        jdbc.parametersRead(statement, values);
    }

    @Override
    public void parametersUnread(Object statement, Throwable cause) {
        jdbc.parametersUnread(statement, cause);
    }

    @Override
    public void arrayCreated(Object array, Object[] elements) {
        jdbc.arrayCreated(array, elements);
    }

    @Override
    public void parametersCleared(Object statement) {
        jdbc.parametersCleared(statement);
    }

    @Override
    public void batchAdded(Object statement, String sqlOrNull) {
        jdbc.batchAdded(statement, sqlOrNull);
    }

    @Override
    public void batchCleared(Object statement) {
        jdbc.batchCleared(statement);
    }

    @Override
    public void batchExecuting(Object statement) {
        jdbc.batchExecuting(statement);
    }

    @Override
    public void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown, int mark) {
        jdbc.executed(statement, sqlOrNull, batch, result, thrown, mark);
    }

    @Override
    public void statementClosed(Object statement, Class<?> declaring) {
        jdbc.statementClosed(statement, declaring);
    }

    @Override
    public void committed(Object connection, Throwable thrown) {
        jdbc.committed(connection, thrown);
    }

    @Override
    public void rolledBack(Object connection, Object savepointOrNull, Throwable thrown) {
        jdbc.rolledBack(connection, savepointOrNull, thrown);
    }

    @Override
    public void savepointSet(Object connection, Object savepoint) {
        jdbc.savepointSet(connection, savepoint);
    }

    @Override
    public void savepointReleased(Object connection, Object savepoint) {
        jdbc.savepointReleased(connection, savepoint);
    }

    @Override
    public void autoCommitSet(Object connection, boolean autoCommit, Throwable thrown) {
        jdbc.autoCommitSet(connection, autoCommit, thrown);
    }

    @Override
    public void connectionClosed(Object connection) {
        jdbc.connectionClosed(connection);
    }

    @Override
    public void connectionSql(Object connection, String sql, Throwable thrown) {
        jdbc.connectionSql(connection, sql, thrown);
    }

    @Override
    public void statelessWritten(Object session, String fired, Object entity, Object id, Object[] state, Object persister) {
        hibernate.statelessWritten(session, fired, entity, id, state, persister);
    }

    @Override
    public void statelessBatch(boolean enter, boolean returned) {
        hibernate.statelessBatch(enter, returned);
    }

    @Override
    public void bulkExecuted(Object query, int count) {
        hibernate.bulkExecuted(query, count);
    }

    @Override
    public void emit(String room, String event, Object payload) {
        if (!enabled || room == null || event == null) {
            return;
        }
        // serialising an app object is the pipeline's job; the app thread only enqueues
        pipeline.offer(new PendingEmit(room, event, payload));
    }

    // ---- JMX (dev.rowcast:type=Agent) ----

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public synchronized void setEnabled(boolean on) {
        if (on == enabled) {
            if (on && serving && !server.running() && server.start()) {
                // its port was taken when it started: whoever held it has let it go
                AgentLog.info("enabled through JMX: the server listens again");
            }
            return;
        }
        enabled = on;
        // on both switches: commits queued before the switch off may be handled after it
        jdbc.captureSwitched();
        if (on) {
            server.start();
        } else {
            server.close();
        }
        AgentLog.info(on ? "enabled through JMX: capturing and serving" : "disabled through JMX: capture stopped, server closed");
    }

    @Override
    public long getConnections() {
        return server.connections();
    }

    @Override
    public int getRooms() {
        return server.rooms();
    }

    @Override
    public long getEventsCaptured() {
        return metrics.captured();
    }

    @Override
    public long getEventsEmitted() {
        return metrics.emitted.get();
    }

    @Override
    public long getEventsDropped() {
        return metrics.dropped();
    }

    @Override
    public boolean isServing() {
        return server.running();
    }

    @Override
    public long getClusterUnpublished() {
        return server.clusterUnpublished();
    }

    @Override
    public void emit(String room, String event, String jsonPayload) {
        Object payload;
        try {
            payload = jsonPayload == null || jsonPayload.isBlank() ? null : Json.MAPPER.readValue(jsonPayload, Object.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("emit(" + room + ", " + event + "): jsonPayload is not JSON: " + e.getMessage());
        }
        emit(room, event, payload);
    }

    /** Loaded at the first JMX emit, not with the agent: an ObjectMapper is some 300 classes. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** A server-side emit from the API artifact or JMX, serialised on the pipeline thread. */
    record PendingEmit(String room, String event, Object payload) {}
}
