package dev.rowcast.server.engine;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection that stalls: one with no request under way for {@code idleTimeout}
 * (new, or answered and not asked again; half a request line counts as nothing, since the codec
 * says nothing until the headers are whole), and one whose request body is not whole
 * {@code requestTimeout} after its headers (408 first). Nothing is timed while a request waits
 * for its answer: the session answers a held long poll within a heartbeat. Sits just after the
 * HTTP codec and leaves when the connection becomes a WebSocket, which the heartbeat watches.
 *
 * <p>One deadline and at most one scheduled check per connection: moving the deadline costs no
 * timer, and the check re-arms itself for what is left (as Netty's IdleStateHandler does).
 */
final class HttpTimeoutHandler extends ChannelDuplexHandler implements Runnable {
    private static final System.Logger LOG = System.getLogger(HttpTimeoutHandler.class.getName());

    private final long idleNanos;
    private final long requestNanos;

    private ChannelHandlerContext ctx;
    private boolean armed;
    private long deadlineNanos;
    private ScheduledFuture<?> check;
    /** Headers read, body not yet whole. */
    private boolean inBody;
    /** Requests begun and final answers written; fewer answers means one is awaited. */
    private long requests;
    private long answers;

    HttpTimeoutHandler(Duration idleTimeout, Duration requestTimeout) {
        this.idleNanos = idleTimeout.toNanos();
        this.requestNanos = requestTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) arm(idleNanos);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(idleNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // One message can be both (a request the codec found invalid arrives whole).
        if (msg instanceof HttpRequest) {
            requests++;
            inBody = true;
            arm(requestNanos);
        }
        if (msg instanceof LastHttpContent) {
            inBody = false;
            // An answer may already be out (413 for a body over maxPayload, sent before its end).
            if (answers >= requests) arm(idleNanos);
            else armed = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && !isInformational(msg)) {
            answers++;
            if (!inBody && answers >= requests) arm(idleNanos);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    /** The scheduled check: closes the connection when its deadline has passed, else waits for the rest. */
    @Override
    public void run() {
        check = null;
        if (!armed || !ctx.channel().isActive()) return;
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            check = ctx.executor().schedule(this, left, TimeUnit.NANOSECONDS);
            return;
        }
        armed = false;
        if (inBody) {
            LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine: " + ctx.channel()
                    + ": request body not whole within " + Duration.ofNanos(requestNanos).toMillis() + " ms; closing");
            FullHttpResponse timeout = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.EMPTY_BUFFER);
            timeout.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> "[rowcast] engine: " + ctx.channel()
                    + ": no request within " + Duration.ofNanos(idleNanos).toMillis() + " ms; closing");
            ctx.close();
        }
    }

    private void arm(long timeoutNanos) {
        armed = true;
        deadlineNanos = System.nanoTime() + timeoutNanos;
        if (check != null && check.getDelay(TimeUnit.NANOSECONDS) > timeoutNanos) {
            check.cancel(false);
            check = null;
        }
        if (check == null) check = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        armed = false;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    /** 100 Continue (from the aggregator) and 101 Switching Protocols are not the answer. */
    private static boolean isInformational(Object msg) {
        return msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }
}
