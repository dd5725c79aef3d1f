package dev.rowcast.agent.outlet;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.route.Delivery;
import dev.rowcast.config.ServerConfig;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.cluster.ClusterLink;
import dev.rowcast.server.engine.EngineServer;
import dev.rowcast.server.realtime.RealtimeOptions;
import dev.rowcast.server.realtime.RealtimeServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashSet;
import java.util.Set;

/**
 * The embedded realtime server (the server module's {@link RealtimeServer}: identify, join/leave,
 * relay, presence, token auth), configured from {@code server:}, {@code auth:} and {@code relay:}
 * of rowcast.yml by {@link RealtimeSettings}.
 */
public final class ServerOutlet implements Outlet {

    /** The server's threads join their creator's group, so a thread dump shows them all under this name. */
    static final ThreadGroup THREADS = new ThreadGroup("rowcast");

    private final ServerConfig config;
    private final RealtimeOptions options;
    private volatile RealtimeServer server;
    /** The port, bound by {@link #reserve()} before the server starts; handed to it by {@link #start()}. */
    private ServerSocketChannel reserved;
    /** The unpublished broadcasts of the servers closed so far: a start through JMX makes a new server, the count goes on. */
    private volatile long unpublishedBefore;

    /** @param options already validated (see {@link RealtimeSettings#from}), so only binding can fail here */
    public ServerOutlet(ServerConfig config, RealtimeOptions options) {
        this.config = config;
        this.options = options;
    }

    /**
     * Binds the port now, with the JDK alone, for a server that starts later: a client that
     * connects meanwhile waits in the backlog and is served once it starts, where it would
     * otherwise be refused. A failure here is left for {@link #start()} to meet and report.
     */
    public synchronized void reserve() {
        if (server != null || reserved != null) {
            return;
        }
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.bind(new InetSocketAddress(config.host(), config.port()), EngineServer.BACKLOG);
            reserved = channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
        }
    }

    /**
     * Binds the port (or serves on the one {@link #reserve()} bound); a port in use is one log line
     * and an app that runs on without realtime. A stopped server cannot start again, so each start
     * makes a new one.
     */
    public synchronized boolean start() {
        if (server != null) {
            return true;
        }
        ServerSocketChannel bound = reserved;
        reserved = null;
        Throwable[] failure = new Throwable[1];
        RealtimeServer[] started = new RealtimeServer[1];
        int[] port = new int[1];
        Thread starter = new Thread(THREADS, () -> {
            RealtimeServer candidate = null;
            try {
                candidate = new RealtimeServer(options);
                port[0] = candidate.start(bound);
                started[0] = candidate;
            } catch (Throwable t) {
                failure[0] = t;
                if (candidate != null) {
                    candidate.stop();
                }
                closeQuietly(bound);
            }
        }, "rowcast-server-start");
        // a daemon: an app that ends while the server is still starting exits at once, as without the agent
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (started[0] == null) {
            Throwable t = failure[0];
            BindException taken = bindFailure(t);
            AgentLog.error("cannot serve Socket.IO on " + config.host() + ":" + config.port() + " ("
                    + (taken != null ? taken.getMessage() : innermost(t)) + "); events are not delivered, the app runs on. "
                    + (taken != null && taken.getMessage().contains("in use") ? "Free the port and switch Rowcast on again (java -jar rowcast-agent.jar enable " + ProcessHandle.current().pid() + "),"
                            + " or set server.port in rowcast.yml to a free one and restart the app."
                            : "Check server.host and server.port in rowcast.yml."));
            return false;
        }
        server = started[0];
        AgentLog.info("Socket.IO server listening on " + config.host() + ":" + port[0] + config.path()
                + (options.auth().required() ? " (token required)" : options.auth().hasKey() ? " (token verified when sent)" : ""));
        return true;
    }

    @Override
    public void deliver(Delivery delivery) {
        RealtimeServer s = server;
        if (s == null || !delivery.deliverable()) {
            return;
        }
        // nobody would get it and nobody away could recover it: then the payload is never even made (no rooms: every socket)
        if (s.hasAudience(delivery.rooms())) {
            s.to(delivery.rooms().toArray(String[]::new)).emit(delivery.event(), delivery.payload());
        }
    }

    public long connections() {
        RealtimeServer s = server;
        return s == null ? 0 : s.socketIo().sockets().adapter().sockets(Set.of()).size();
    }

    /** Rooms with at least one socket, not counting each socket's own id room. */
    public int rooms() {
        RealtimeServer s = server;
        if (s == null) {
            return 0;
        }
        SocketIoServer io = s.socketIo();
        Set<String> rooms = new HashSet<>(io.sockets().adapter().rooms());
        rooms.removeAll(io.sockets().adapter().sockets(Set.of()));
        return rooms.size();
    }

    /** Cluster broadcasts that reached this node only (Redis did not take them), since the agent started. */
    public long clusterUnpublished() {
        RealtimeServer s = server;
        return unpublishedBefore + (s == null ? 0 : unpublishedOf(s));
    }

    private static long unpublishedOf(RealtimeServer s) {
        ClusterLink cluster = s.socketIo().cluster();
        return cluster == null ? 0 : cluster.unpublished();
    }

    public boolean running() {
        return server != null;
    }

    /**
     * For the shutdown hook: never waits for a start still under way (the JVM halts after the
     * hooks anyway), so an app that ends early does not wait for Netty to come up.
     */
    public void closeAtExit() {
        closeQuietly(reserved);
        RealtimeServer s = server;
        server = null;
        if (s != null) {
            s.stop();
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly(reserved);
        reserved = null;
        RealtimeServer s = server;
        server = null;
        if (s != null) {
            unpublishedBefore += unpublishedOf(s);
            s.stop();
        }
    }

    /** The failure to bind the port in {@code t}'s causes (a port in use, an address not of this machine), or null. */
    private static BindException bindFailure(Throwable t) {
        for (Throwable cause = t; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof BindException bind && bind.getMessage() != null) {
                return bind;
            }
        }
        return null;
    }

    /** What went wrong, said once: the innermost cause, not each wrapper's account of it. */
    private static String innermost(Throwable t) {
        if (t == null) {
            return "interrupted";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException | RuntimeException ignored) {
                // nothing more to release
            }
        }
    }
}
