package app;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * An app with its own Netty 4.1 HTTP server answering JSON written by its own Jackson 2.17, storing
 * notes in H2 through JDBC. It knows nothing of Rowcast, whose relocated Netty 4.2 and Jackson 2.21
 * share its JVM. Prints "listening PORT", then serves until "exit" on stdin.
 */
public final class NettyJacksonApp {

    public static void main(String[] args) throws Exception {
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(2);
        // JDBC blocks: the notes handler runs off the event loops
        EventExecutorGroup database = new DefaultEventExecutorGroup(1);
        try (Connection db = DriverManager.getConnection("jdbc:h2:mem:notes;DB_CLOSE_DELAY=-1", "sa", "");
             BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE notes (id BIGINT PRIMARY KEY, board INT, text VARCHAR(200))");
            }
            NotesHandler notes = new NotesHandler(db);
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline()
                                    .addLast("codec", new HttpServerCodec())
                                    .addLast("aggregator", new HttpObjectAggregator(64 * 1024))
                                    .addLast(database, "notes", notes);
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            System.out.println("listening " + ((InetSocketAddress) server.localAddress()).getPort());
            for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
                System.out.println("unknown command " + line);
            }
            server.close().sync();
        } finally {
            boss.shutdownGracefully().sync();
            workers.shutdownGracefully().sync();
            database.shutdownGracefully().sync();
        }
        System.out.println("stopped");
    }
}
