package dev.rowcast.server.engine;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The few HTTP answers Engine.IO gives; each takes ownership of the body it is handed. */
final class HttpResponses {
    static final String TEXT_PLAIN_UTF8 = "text/plain; charset=UTF-8";

    private HttpResponses() {
    }

    /** A polling GET answer: an encoded payload. */
    static ChannelFuture payload(Channel channel, ByteBuf body, HttpHeaders extra) {
        return send(channel, HttpResponseStatus.OK, TEXT_PLAIN_UTF8, body, extra);
    }

    /** The POST acknowledgement: {@code 200 ok} as text/html, like the reference server. */
    static ChannelFuture ok(Channel channel, HttpHeaders extra) {
        return send(channel, HttpResponseStatus.OK, "text/html", utf8("ok"), extra);
    }

    static ChannelFuture error(Channel channel, EngineError error, HttpHeaders extra) {
        return send(channel, HttpResponseStatus.valueOf(error.status()), "application/json", utf8(error.json()), extra);
    }

    /** A refused WebSocket upgrade: plain {@code 400 Bad Request}, then the connection closes. */
    static void refuseUpgrade(Channel channel, String message) {
        FullHttpResponse response = response(HttpResponseStatus.BAD_REQUEST, "text/html", utf8(message), null);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    static ChannelFuture notFound(Channel channel) {
        return send(channel, HttpResponseStatus.NOT_FOUND, TEXT_PLAIN_UTF8, utf8("Not Found"), null);
    }

    static ChannelFuture noContent(Channel channel, HttpHeaders extra) {
        return send(channel, HttpResponseStatus.NO_CONTENT, null, Unpooled.EMPTY_BUFFER, extra);
    }

    static ChannelFuture send(Channel channel, HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders extra) {
        return channel.writeAndFlush(response(status, contentType, body, extra));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, ByteBuf body, HttpHeaders extra) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders headers = response.headers();
        if (contentType != null) headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (extra != null) headers.add(extra);
        return response;
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
