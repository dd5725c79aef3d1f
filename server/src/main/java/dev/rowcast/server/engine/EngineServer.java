package dev.rowcast.server.engine;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An Engine.IO v4 server on Netty: one port, several mount paths (e.g. {@code /engine.io/} and
 * {@code /socket.io/}), each with its own {@link EngineListener}.
 *
 * <pre>{@code
 * EngineServer server = new EngineServer(EngineOptions.defaults(), Map.of("/socket.io/", listener));
 * int port = server.start();
 * ...
 * server.stop();
 * }</pre>
 *
 * <p>With {@link EngineOptions.Builder#daemonThreads} its threads are daemons, so a host whose own
 * threads have all ended exits: stop the server before that (a shutdown hook does) for its clients
 * to be told and its last writes to go out.
 */
public final class EngineServer {

    /** Connections the kernel queues before they are accepted. */
    public static final int BACKLOG = 1024;
    private static final System.Logger LOG = System.getLogger(EngineServer.class.getName());

    private final EngineOptions options;
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final EngineStats stats = new EngineStats();

    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ChannelGroup channels;
    private Channel serverChannel;
    private int port = -1;

    /** {@code endpoints}: mount path (with or without trailing slash) to listener. */
    public EngineServer(EngineOptions options, Map<String, EngineListener> endpoints) {
        this.options = Objects.requireNonNull(options, "options");
        if (endpoints.isEmpty()) throw new IllegalArgumentException("engine server needs at least one endpoint, e.g. \"/socket.io/\"");
        endpoints.forEach((path, listener) -> {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("engine endpoint path '" + path + "' must start with '/', e.g. \"/socket.io/\"");
            }
            String key = EngineRequestRouter.normalizePath(path);
            if (this.endpoints.put(key, new Endpoint(key, Objects.requireNonNull(listener, "listener of " + path))) != null) {
                throw new IllegalArgumentException("engine endpoint path '" + path + "' is given twice");
            }
        });
    }

    /** Binds and returns the port (the chosen one when the options say port 0). */
    public synchronized int start() {
        return start(null);
    }

    /**
     * Serves on {@code bound}, a channel its caller bound already (clients that connected
     * meanwhile wait in its backlog and are served now), or binds the options' address when null.
     */
    public synchronized int start(java.nio.channels.ServerSocketChannel bound) {
        if (serverChannel != null) throw new IllegalStateException("engine server already started on port " + port);
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rowcast-accept", options.daemonThreads()),
                NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(options.ioThreads(), new DefaultThreadFactory("rowcast-io", options.daemonThreads()),
                NioIoHandler.newFactory());
        channels = new DefaultChannelGroup("rowcast-engine", GlobalEventExecutor.INSTANCE);
        ByteCountingHandler byteCounter = new ByteCountingHandler(stats);
        EngineRequestRouter router = new EngineRequestRouter(Map.copyOf(endpoints), options, stats);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channelFactory(() -> bound == null ? new NioServerSocketChannel() : new NioServerSocketChannel(bound))
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("bytes", byteCounter);
                        p.addLast("http", new HttpServerCodec());
                        // A connection that stalls before or inside a request is closed, not kept forever.
                        p.addLast("timeouts", new HttpTimeoutHandler(options.idleTimeout(), options.requestTimeout()));
                        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
                        // Bodies over maxPayload get 413 here; the session never sees them and lives on.
                        p.addLast("aggregator", new HttpObjectAggregator(options.maxPayload()));
                        p.addLast("engine", router);
                    }
                });
        try {
            // an already bound channel is active once registered: it starts accepting then
            serverChannel = (bound == null ? bootstrap.bind(options.host(), options.port()) : bootstrap.register()).sync().channel();
        } catch (Exception e) {
            shutdownGroups();
            serverChannel = null;
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port()
                    + " (" + (e.getMessage() != null ? e.getMessage() : e.toString()) + "); free the port or choose another one", e);
        }
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
        LOG.log(System.Logger.Level.DEBUG, "[rowcast] engine server listening on " + options.host() + ":" + port
                + " at " + endpoints.keySet());
        return port;
    }

    /** Ends every session ("server shutting down"), closes every connection and frees the threads. */
    public synchronized void stop() {
        if (serverChannel == null) return;
        serverChannel.close().syncUninterruptibly();
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Endpoint endpoint : endpoints.values()) {
            for (EngineSession session : endpoint.sessions()) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                try {
                    session.executor().execute(() -> {
                        try {
                            session.shutdown();
                        } finally {
                            done.complete(null);
                        }
                    });
                } catch (RuntimeException e) {
                    done.complete(null);
                }
                closed.add(done);
            }
        }
        try {
            CompletableFuture.allOf(closed.toArray(new CompletableFuture<?>[0])).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "[rowcast] engine server: sessions did not all close within 5 s; stopping anyway");
        }
        // Let close frames and last answers reach the wire before the sockets go.
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        shutdownGroups();
        serverChannel = null;
    }

    private void shutdownGroups() {
        if (workerGroup != null) workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (bossGroup != null) bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup = null;
        bossGroup = null;
    }

    /** The bound port, or -1 before {@link #start()}. */
    public synchronized int port() {
        return port;
    }

    public EngineOptions options() {
        return options;
    }

    public EngineStats stats() {
        return stats;
    }
}
