package app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.Version;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** GET /versions, GET /notes, POST /notes {"board":..,"text":..} (answers 201 with the stored note). */
@ChannelHandler.Sharable
final class NotesHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    record Note(Long id, int board, String text) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection db;
    private final AtomicLong ids = new AtomicLong();

    NotesHandler(Connection db) {
        this.db = db;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
        FullHttpResponse response;
        if (request.method() == HttpMethod.GET && request.uri().equals("/versions")) {
            response = json(HttpResponseStatus.OK, versions());
        } else if (request.method() == HttpMethod.GET && request.uri().equals("/notes")) {
            response = json(HttpResponseStatus.OK, list());
        } else if (request.method() == HttpMethod.POST && request.uri().equals("/notes")) {
            Note note = JSON.readValue(ByteBufUtil.getBytes(request.content()), Note.class);
            response = json(HttpResponseStatus.CREATED, insert(note));
        } else {
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The versions this app's own code sees of its Netty artifacts and of Jackson. */
    private static Map<String, Object> versions() {
        Map<String, String> netty = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> netty.put(artifact, version.artifactVersion()));
        return Map.of("netty", netty,
                "jacksonDatabind", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString(),
                "jacksonCore", com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
    }

    private Note insert(Note note) throws SQLException {
        Note stored = new Note(ids.incrementAndGet(), note.board(), note.text());
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO notes (id, board, text) VALUES (?, ?, ?)")) {
            ps.setLong(1, stored.id());
            ps.setInt(2, stored.board());
            ps.setString(3, stored.text());
            ps.executeUpdate();
        }
        return stored;
    }

    private List<Note> list() throws SQLException {
        List<Note> notes = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT id, board, text FROM notes ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                notes.add(new Note(rs.getLong(1), rs.getInt(2), rs.getString(3)));
            }
        }
        return notes;
    }

    private static FullHttpResponse json(HttpResponseStatus status, Object body) throws Exception {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(JSON.writeValueAsBytes(body)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }
}
