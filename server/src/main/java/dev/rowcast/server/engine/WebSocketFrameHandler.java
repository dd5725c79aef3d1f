package dev.rowcast.server.engine;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;

/**
 * Turns whole WebSocket messages into session calls. Frames are read here and released on
 * return (SimpleChannelInboundHandler); only Java strings and arrays reach the session.
 *
 * <p>Clients rarely fragment messages, so the frame aggregator joins the pipeline only when the
 * first fragmented message arrives: an idle connection does not pay for it.
 */
final class WebSocketFrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final String AGGREGATOR = "websocket-aggregator";

    private final EngineSession session;
    private final int maxPayload;
    private final ConnectionErrorLog errors;

    WebSocketFrameHandler(EngineSession session, int maxPayload, ConnectionErrorLog errors) {
        this.session = session;
        this.maxPayload = maxPayload;
        this.errors = errors;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) throws Exception {
        if (!frame.isFinalFragment() && ctx.pipeline().get(AGGREGATOR) == null) {
            // The first fragment of a message: aggregate from here on, starting with this frame.
            WebSocketFrameAggregator aggregator = new WebSocketFrameAggregator(maxPayload);
            ctx.pipeline().addBefore(ctx.name(), AGGREGATOR, aggregator);
            aggregator.channelRead(ctx.pipeline().context(aggregator), frame.retain());
            return;
        }
        if (frame instanceof TextWebSocketFrame text) {
            session.onWebSocketText(ctx.channel(), text.text());
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            session.onWebSocketBinary(ctx.channel(), ByteBufUtil.getBytes(binary.content()));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(new CloseWebSocketFrame(true, 0, close.content().retain()))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        // Pong frames need no answer.
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) session.drainWebSocket();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.onWebSocketClosed(ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // A fragmented message over maxPayload: same answer as one oversize frame.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.MESSAGE_TOO_BIG))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // The frame decoder has already sent its close frame for protocol errors.
        errors.closing(ctx.channel(), "session " + session.id() + " (WebSocket)", cause);
        ctx.close();
    }
}
