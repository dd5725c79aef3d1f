package dev.rowcast.server.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** First handler of every connection: counts raw socket bytes into {@link EngineStats}. */
@ChannelHandler.Sharable
final class ByteCountingHandler extends ChannelDuplexHandler {
    private final EngineStats stats;

    ByteCountingHandler(EngineStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        stats.read(size(msg));
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        stats.written(size(msg));
        ctx.write(msg, promise);
    }

    private static long size(Object msg) {
        if (msg instanceof ByteBuf buf) return buf.readableBytes();
        if (msg instanceof ByteBufHolder holder) return holder.content().readableBytes();
        return 0;
    }
}
