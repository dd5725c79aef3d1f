package dev.rowcast.agent.outlet;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.route.Delivery;
import dev.rowcast.config.ServerConfig;
import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.engine.Cors;
import dev.rowcast.server.engine.EngineOptions;
import java.util.HashSet;
import java.util.Set;

/** The embedded Socket.IO server (the server module), configured from {@code server:} of rowcast.yml. */
public final class ServerOutlet implements Outlet {

    /** Netty names no thread group; its threads join their creator's, so all the server's land here. */
    static final ThreadGroup THREADS = new ThreadGroup("rowcast");

    private final ServerConfig config;
    private volatile SocketIoServer server;

    public ServerOutlet(ServerConfig config) {
        this.config = config;
    }

    /** Binds the port; a port in use is one log line and an app that runs on without realtime. */
    public synchronized boolean start() {
        if (server != null) {
            return true;
        }
        Throwable[] failure = new Throwable[1];
        SocketIoServer[] started = new SocketIoServer[1];
        int[] port = new int[1];
        Thread starter = new Thread(THREADS, () -> {
            SocketIoServer candidate = null;
            try {
                candidate = new SocketIoServer(options(config));
                port[0] = candidate.start();
                started[0] = candidate;
            } catch (Throwable t) {
                failure[0] = t;
                if (candidate != null) {
                    candidate.stop();
                }
            }
        }, "rowcast-server-start");
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (started[0] == null) {
            Throwable t = failure[0];
            AgentLog.error("cannot serve Socket.IO on " + config.host() + ":" + config.port() + " (" + (t == null ? "interrupted" : t.getMessage())
                    + "); events are not delivered, the app runs on. Set server.port in rowcast.yml to a free port.");
            return false;
        }
        server = started[0];
        AgentLog.info("Socket.IO server listening on " + config.host() + ":" + port[0] + config.path());
        AppExitWatch.start(this);
        return true;
    }

    static ServerOptions options(ServerConfig config) {
        Cors cors = config.cors().anyOrigin() ? Cors.anyOrigin() : Cors.origins(config.cors().origins());
        cors = cors.withMethods(config.cors().methods()).withCredentials(config.cors().credentials());
        EngineOptions engine = EngineOptions.builder()
                .host(config.host())
                .port(config.port())
                .pingInterval(config.pingInterval())
                .pingTimeout(config.pingTimeout())
                .maxPayload((int) Math.min(Integer.MAX_VALUE, config.maxPayload()))
                .cors(cors)
                .build();
        return ServerOptions.builder().path(config.path()).engine(engine).build();
    }

    @Override
    public void deliver(Delivery delivery) {
        SocketIoServer s = server;
        if (s == null || !delivery.deliverable()) {
            return;
        }
        if (delivery.rooms().isEmpty()) {
            s.emit(delivery.event(), delivery.payload());
        } else {
            s.to(delivery.rooms().toArray(String[]::new)).emit(delivery.event(), delivery.payload());
        }
    }

    public long connections() {
        SocketIoServer s = server;
        return s == null ? 0 : s.sockets().adapter().sockets(Set.of()).size();
    }

    /** Rooms with at least one socket, not counting each socket's own id room. */
    public int rooms() {
        SocketIoServer s = server;
        if (s == null) {
            return 0;
        }
        Set<String> rooms = new HashSet<>(s.sockets().adapter().rooms());
        rooms.removeAll(s.sockets().adapter().sockets(Set.of()));
        return rooms.size();
    }

    public boolean running() {
        return server != null;
    }

    @Override
    public synchronized void close() {
        SocketIoServer s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
    }
}
