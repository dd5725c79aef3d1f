package dev.rowcast.server.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks each Engine.IO request in the reference server's order (transport, origin, sid, method,
 * allowRequest, protocol version) and hands it to a session: a long-poll GET, a POST of packets,
 * or a WebSocket upgrade. Answers CORS preflights. Sharable: it keeps no per-connection state.
 */
@ChannelHandler.Sharable
final class EngineRequestRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(EngineRequestRouter.class.getName());

    /**
     * Standard header names and the usual WebSocket upgrade values, one shared String each: every
     * session keeps its handshake headers for life, and would otherwise hold its own copies.
     */
    private static final Map<String, String> COMMON_HEADER_STRINGS = commonHeaderStrings();
    /** 16 random bytes in base64, as RFC 6455 has the client send them (ws's test). */
    private static final Pattern WEBSOCKET_KEY = Pattern.compile("[+/0-9A-Za-z]{22}==");

    private final Map<String, Endpoint> endpoints;
    private final EngineOptions options;
    private final EngineStats stats;
    private final WebSocketDecoderConfig decoderConfig;
    private final ConnectionErrorLog errors = new ConnectionErrorLog();

    EngineRequestRouter(Map<String, Endpoint> endpoints, EngineOptions options, EngineStats stats) {
        this.endpoints = endpoints;
        this.options = options;
        this.stats = stats;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(options.maxPayload())
                .allowExtensions(false)
                .closeOnProtocolViolation(true)
                .build();
    }

    /** Mount paths are matched without their trailing slash. */
    static String normalizePath(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Channel channel = ctx.channel();
        if (!req.decoderResult().isSuccess()) {
            HttpResponses.error(channel, EngineError.BAD_REQUEST, null);
            return;
        }
        boolean upgrade = isWebSocketUpgrade(req);
        String path;
        Map<String, List<String>> query;
        try {
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            path = uri.path();
            query = uri.parameters();
        } catch (IllegalArgumentException e) {
            // A broken %-escape, which Netty refuses to decode.
            fail(channel, upgrade, EngineError.BAD_REQUEST, null);
            return;
        }
        Endpoint endpoint = endpoints.get(normalizePath(path));
        if (endpoint == null) {
            HttpResponses.notFound(channel);
            return;
        }
        HttpHeaders cors = upgrade ? null : corsHeaders(req);
        if (!upgrade && options.cors() != null && HttpMethod.OPTIONS.equals(req.method())) {
            preflight(channel, req, cors);
            return;
        }
        String transport = first(query, "transport");
        if (!"polling".equals(transport) && !"websocket".equals(transport)) {
            fail(channel, upgrade, EngineError.TRANSPORT_UNKNOWN, cors);
            return;
        }
        if (hasInvalidHeaderChars(req.headers().get(HttpHeaderNames.ORIGIN))) {
            fail(channel, upgrade, EngineError.BAD_REQUEST, cors);
            return;
        }
        if (upgrade && options.cors() != null && !options.cors().allowsWebSocketFrom(req.headers().get(HttpHeaderNames.ORIGIN))) {
            // a browser keeps a page of another origin from reading a polling answer, but not from a WebSocket
            fail(channel, true, EngineError.FORBIDDEN, null);
            return;
        }
        String sid = first(query, "sid");
        if (sid != null) {
            routeToSession(ctx, req, endpoint, sid, transport, upgrade, cors);
            return;
        }
        if (!HttpMethod.GET.equals(req.method())) {
            fail(channel, upgrade, EngineError.BAD_HANDSHAKE_METHOD, cors);
            return;
        }
        if (upgrade != "websocket".equals(transport)) {
            fail(channel, upgrade, EngineError.BAD_REQUEST, cors);
            return;
        }
        Handshake handshake = handshakeOf(channel, req);
        if (!allowed(handshake)) {
            fail(channel, upgrade, EngineError.FORBIDDEN, cors);
            return;
        }
        if (!"4".equals(first(query, "EIO"))) {
            fail(channel, upgrade, EngineError.UNSUPPORTED_PROTOCOL_VERSION, cors);
            return;
        }
        if (upgrade) {
            if (refusedWebSocketHandshake(channel, req)) return;
            openWebSocketSession(ctx, req, endpoint, handshake);
        } else {
            EngineSession session = EngineSession.polling(handshake, endpoint, options, stats, channel.eventLoop());
            // Start the heartbeat clock before the client can read the open packet.
            session.start();
            // The handshake GET carries the open packet and nothing else; later sends wait for the next GET.
            HttpResponses.payload(channel, PayloadCodec.encodePayload(channel.alloc(),
                    List.of(Packet.open(session.openJson(true)))), cors);
        }
    }

    private void routeToSession(ChannelHandlerContext ctx, FullHttpRequest req, Endpoint endpoint, String sid,
                                String transport, boolean upgrade, HttpHeaders cors) {
        Channel channel = ctx.channel();
        EngineSession session = endpoint.session(sid);
        if (session == null) {
            if (!upgrade && HttpMethod.GET.equals(req.method()) && endpoint.takeClientClose(sid)) {
                // This poll crossed the client's close packet: end it as if it had been held.
                HttpResponses.payload(channel, PayloadCodec.encodePayload(channel.alloc(), List.of(Packet.NOOP_PACKET)), cors);
                return;
            }
            fail(channel, upgrade, EngineError.UNKNOWN_SID, cors);
            return;
        }
        if (upgrade) {
            if (!"websocket".equals(transport)) {
                fail(channel, true, EngineError.BAD_REQUEST, null);
                return;
            }
            if (refusedWebSocketHandshake(channel, req)) return;
            EventLoop sessionLoop = (EventLoop) session.executor();
            if (channel.eventLoop() == sessionLoop) {
                upgradeToWebSocket(ctx, req, session, () -> session.attachProbe(channel));
            } else {
                moveThenUpgrade(ctx, req.retain(), session, sessionLoop);
            }
            return;
        }
        if (!transport.equals(session.transport())) {
            fail(channel, false, EngineError.BAD_REQUEST, cors);
            return;
        }
        if (HttpMethod.GET.equals(req.method())) {
            EngineSession.PendingPoll poll = new EngineSession.PendingPoll(channel, cors);
            session.executor().execute(() -> session.onPollRequest(poll));
        } else if (HttpMethod.POST.equals(req.method())) {
            String contentType = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
            if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/octet-stream")) {
                // EIO 4 polling is text only; binary travels base64-encoded.
                HttpResponses.error(channel, EngineError.BAD_REQUEST, cors);
                return;
            }
            String body = req.content().toString(StandardCharsets.UTF_8);
            List<InboundPacket> packets;
            PacketParseException error = null;
            try {
                packets = PayloadCodec.decodePayload(body);
            } catch (PacketParseException e) {
                packets = List.of();
                error = e;
            }
            List<InboundPacket> decoded = packets;
            PacketParseException failure = error;
            session.executor().execute(() -> session.onPostRequest(channel, cors, decoded, failure));
        } else {
            HttpResponses.error(channel, EngineError.BAD_REQUEST, cors);
        }
    }

    /**
     * Re-registers the connection on the session's event loop before the 101, so the probe's
     * frames and the session's polls are handled by one thread in arrival order, as a client that
     * sends {@code 5} and then polls expects. Owns {@code req} (retained by the caller).
     */
    private void moveThenUpgrade(ChannelHandlerContext ctx, FullHttpRequest req, EngineSession session, EventLoop sessionLoop) {
        Channel channel = ctx.channel();
        // Before the move: its timer belongs to the loop the connection leaves.
        stopHttpTimeouts(ctx.pipeline());
        channel.deregister().addListener(deregistered -> {
            if (!deregistered.isSuccess()) {
                req.release();
                channel.close();
                return;
            }
            sessionLoop.register(channel).addListener(registered -> {
                try {
                    if (registered.isSuccess() && channel.isActive()) {
                        upgradeToWebSocket(ctx, req, session, () -> session.attachProbe(channel));
                    } else {
                        channel.close();
                    }
                } catch (RuntimeException e) {
                    // Thrown out of this listener it would reach only Netty's log, and the client would wait for ever.
                    errors.closing(channel, "WebSocket upgrade", e);
                    channel.close();
                } finally {
                    req.release();
                }
            });
        });
    }

    private void openWebSocketSession(ChannelHandlerContext ctx, FullHttpRequest req, Endpoint endpoint, Handshake handshake) {
        EngineSession session = EngineSession.webSocket(handshake, endpoint, options, stats, ctx.channel());
        upgradeToWebSocket(ctx, req, session, session::start);
    }

    /** Answers 101, swaps the HTTP handlers for WebSocket ones, then runs {@code onUpgraded} on the session. */
    private void upgradeToWebSocket(ChannelHandlerContext ctx, FullHttpRequest req, EngineSession session, Runnable onUpgraded) {
        Channel channel = ctx.channel();
        String location = "ws://" + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(location, null, decoderConfig).newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return;
        }
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(HttpServerKeepAliveHandler.class) != null) pipeline.remove(HttpServerKeepAliveHandler.class);
        stopHttpTimeouts(pipeline);
        pipeline.addAfter(ctx.name(), "engine-websocket", new WebSocketFrameHandler(session, options.maxPayload(), errors));
        pipeline.remove(this);
        handshaker.handshake(channel, req).addListener(future -> {
            if (future.isSuccess()) {
                // Inline when possible, so no frame of this socket can overtake the session's start.
                if (channel.eventLoop() == session.executor()) onUpgraded.run();
                else session.executor().execute(onUpgraded);
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine: WebSocket handshake failed: " + future.cause());
                channel.close();
            }
        });
    }

    /** A WebSocket is watched by its session's heartbeat, not by the HTTP timeouts. */
    private static void stopHttpTimeouts(ChannelPipeline pipeline) {
        if (pipeline.get(HttpTimeoutHandler.class) != null) pipeline.remove(HttpTimeoutHandler.class);
    }

    private void preflight(Channel channel, FullHttpRequest req, HttpHeaders cors) {
        HttpHeaders headers = cors.copy();
        headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(",", options.cors().methods()));
        String requested = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null) {
            headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requested);
            addVary(headers, "Access-Control-Request-Headers");
        }
        HttpResponses.noContent(channel, headers);
    }

    /** The CORS headers every answer to this request carries (empty when CORS is off or the origin is not allowed). */
    private HttpHeaders corsHeaders(FullHttpRequest req) {
        Cors cors = options.cors();
        HttpHeaders headers = new DefaultHttpHeaders();
        if (cors == null) return headers;
        String allowOrigin = cors.allowOriginFor(req.headers().get(HttpHeaderNames.ORIGIN));
        if (allowOrigin != null) headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        if (cors.variesByOrigin()) addVary(headers, "Origin");
        if (cors.credentials() && allowOrigin != null) headers.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        return headers;
    }

    private static void addVary(HttpHeaders headers, String name) {
        String vary = headers.get(HttpHeaderNames.VARY);
        headers.set(HttpHeaderNames.VARY, vary == null ? name : vary + ", " + name);
    }

    private boolean allowed(Handshake handshake) {
        try {
            return options.allowRequest().test(handshake);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "[rowcast] engine allowRequest hook threw for " + handshake.url()
                    + "; the request is refused (fix the hook)", e);
            return false;
        }
    }

    private static void fail(Channel channel, boolean upgrade, EngineError error, HttpHeaders cors) {
        if (upgrade) HttpResponses.refuseUpgrade(channel, error.message);
        else HttpResponses.error(channel, error, cors);
    }

    private static boolean isWebSocketUpgrade(FullHttpRequest req) {
        return HttpMethod.GET.equals(req.method())
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    /**
     * Refuses with 400 (and closes) an upgrade that ws, under the reference server, refuses: a
     * missing or malformed key, a version other than 13 or 8, or no {@code Connection: Upgrade}.
     * Checked before the connection moves or a session is made: Netty's handshaker throws on
     * these with the pipeline half switched, and the client would get no answer.
     */
    private static boolean refusedWebSocketHandshake(Channel channel, FullHttpRequest req) {
        HttpHeaders headers = req.headers();
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        String problem = null;
        if (!headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            problem = "Invalid Connection header";
        } else if (key == null || !WEBSOCKET_KEY.matcher(key).matches()) {
            problem = "Missing or invalid Sec-WebSocket-Key header";
        } else if (!"13".equals(version) && !"8".equals(version)) {
            problem = "Missing or invalid Sec-WebSocket-Version header";
        }
        if (problem == null) return false;
        HttpResponses.refuseUpgrade(channel, problem);
        return true;
    }

    /** Same test as Node's checkInvalidHeaderChar: only tab, visible ASCII and Latin-1 are allowed. */
    private static boolean hasInvalidHeaderChars(String value) {
        if (value == null) return false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '\t' || (c >= 0x20 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) return true;
        }
        return false;
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Handshake handshakeOf(Channel channel, FullHttpRequest req) {
        HttpHeaders headers = req.headers();
        String[] pairs = new String[headers.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : headers) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            pairs[i++] = COMMON_HEADER_STRINGS.getOrDefault(name, name);
            pairs[i++] = COMMON_HEADER_STRINGS.getOrDefault(e.getValue(), e.getValue());
        }
        InetSocketAddress remote = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
        return new Handshake(i == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, i), remote, req.uri(), false,
                System.currentTimeMillis());
    }

    private static Map<String, String> commonHeaderStrings() {
        Map<String, String> common = new java.util.HashMap<>();
        for (java.lang.reflect.Field field : HttpHeaderNames.class.getFields()) {
            if (field.getType() != io.netty.util.AsciiString.class) continue;
            try {
                String name = field.get(null).toString();
                common.put(name, name);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String value : List.of("websocket", "Upgrade", "upgrade", "13", "keep-alive", "close", "no-cache", "*/*",
                "permessage-deflate; client_max_window_bits", "gzip, deflate", "gzip, deflate, br")) {
            common.put(value, value);
        }
        return Map.copyOf(common);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.closing(ctx.channel(), "HTTP", cause);
        ctx.close();
    }
}
