package dev.rowcast.agent;

import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.agent.hibernate.HibernateHook;
import dev.rowcast.agent.instrument.InstrumentGate;
import dev.rowcast.agent.instrument.Instrumentations;
import dev.rowcast.agent.jmx.AgentControl;
import dev.rowcast.agent.jmx.AgentControlMBean;
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
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.server.realtime.RealtimeOptions;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The running agent: the {@link Sink} behind the bridge. App threads only reach the capture
 * stages (Hibernate listener, JDBC buffers), which enqueue; routing and delivery run on the
 * pipeline thread.
 */
public final class AgentRuntime implements Sink, AgentControlMBean {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RowcastConfig config;
    private final ServerOutlet server;
    private final Metrics metrics = new Metrics();
    private final Router router = new Router();
    private final List<Outlet> outlets = new CopyOnWriteArrayList<>();
    private final Pipeline pipeline;
    private final HibernateHook hibernate;
    private final JdbcCapture jdbc;
    private volatile boolean enabled = true;

    private AgentRuntime(RowcastConfig config, RealtimeOptions realtime) {
        this.config = config;
        this.server = new ServerOutlet(config.server(), realtime);
        this.outlets.add(server);
        this.pipeline = new Pipeline(this::route, metrics);
        this.hibernate = new HibernateHook(config, pipeline, metrics, this::enabled);
        this.jdbc = new JdbcCapture(config, pipeline, metrics, this::enabled);
    }

    /**
     * Starts capture and opens the gate onto the instrumentation; binding the port and JMX go on
     * another thread. The caller's exit hook calls {@link #shutdown()}.
     */
    static AgentRuntime start(RowcastConfig config, RealtimeOptions realtime, Instrumentation inst, InstrumentGate gate)
            throws IOException {
        AgentRuntime runtime = new AgentRuntime(config, realtime);
        String captureLog = System.getProperty("rowcast.debug.captureLog");
        if (captureLog != null && !captureLog.isBlank()) {
            runtime.outlets.add(new CaptureLogOutlet(Path.of(captureLog)));
        }
        runtime.pipeline.start();
        Bridge.install(runtime);
        boolean anyTable = config.collections().values().stream().anyMatch(rule -> rule.table().isPresent());
        Instrumentations.install(inst, gate, anyTable);
        // binding the port and JMX take time the app's start-up need not wait for
        Thread starter = new Thread(() -> {
            runtime.server.start();
            AgentControl.register(runtime);
        }, "rowcast-start-server");
        starter.setDaemon(true);
        starter.start();
        return runtime;
    }

    boolean enabled() {
        return enabled;
    }

    private void route(Object item) {
        if (item instanceof CapturedRow row) {
            deliver(router.route(row));
        } else if (item instanceof JdbcCommit commit) {
            for (CapturedRow row : jdbc.rows(commit)) {
                metrics.captured.increment();
                deliver(router.route(row));
            }
        } else if (item instanceof PendingEmit emit) {
            deliver(new Delivery(emit.event(), List.of(emit.room()), false, PlainValues.of(emit.payload())));
        } else if (item instanceof Delivery delivery) {
            deliver(delivery);
        }
    }

    private void deliver(Delivery delivery) {
        for (Outlet outlet : outlets) {
            outlet.deliver(delivery);
        }
        if (delivery.deliverable()) {
            metrics.emitted.increment();
        } else {
            // no room resolved and broadcast is off: the plugin would have leaked it to everyone
            metrics.dropped.increment();
        }
    }

    void shutdown() {
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
    public void executed(Object statement, String sqlOrNull, boolean batch, Object result, Throwable thrown) {
        jdbc.executed(statement, sqlOrNull, batch, result, thrown);
    }

    @Override
    public void statementClosed(Object statement) {
        jdbc.statementClosed(statement);
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
            return;
        }
        enabled = on;
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
        return metrics.captured.sum();
    }

    @Override
    public long getEventsEmitted() {
        return metrics.emitted.sum();
    }

    @Override
    public long getEventsDropped() {
        return metrics.dropped.sum();
    }

    @Override
    public void emit(String room, String event, String jsonPayload) {
        Object payload;
        try {
            payload = jsonPayload == null || jsonPayload.isBlank() ? null : JSON.readValue(jsonPayload, Object.class);
        } catch (Exception e) {
            throw new IllegalArgumentException("emit(" + room + ", " + event + "): jsonPayload is not JSON: " + e.getMessage());
        }
        emit(room, event, payload);
    }

    /** A server-side emit from the API artifact or JMX, serialised on the pipeline thread. */
    record PendingEmit(String room, String event, Object payload) {}
}
