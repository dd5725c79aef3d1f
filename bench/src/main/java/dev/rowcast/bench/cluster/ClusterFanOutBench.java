package dev.rowcast.bench.cluster;

import dev.rowcast.server.ServerOptions;
import dev.rowcast.server.SocketIoServer;
import dev.rowcast.server.cluster.ClusterOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Room fan-out across nodes against the same fan-out on one node, in the same run: N WebSocket
 * clients in one room of node B; the single-node peer emits on B itself (no cluster), the cluster
 * case emits on node A and every event travels through Redis (XADD, then B's XREAD) before B
 * delivers it. Prints deliveries per second of each, their ratio, the load average and the CPU share
 * of the load generator (the clients, JDK WebSocket, in this process).
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.rowcast.bench.cluster.ClusterFanOutBench}; system
 * properties {@code clients} (200), {@code events} (2,000 per round), {@code rounds} (5), {@code redis}
 * (a redis:// URI; default: start Debian's /usr/bin/redis-server on a free port for the run).
 */
public final class ClusterFanOutBench {
    private static final int CLIENTS = Integer.getInteger("clients", 200);
    private static final int EVENTS = Integer.getInteger("events", 2_000);
    private static final int ROUNDS = Integer.getInteger("rounds", 5);
    private static final AtomicLong received = new AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ClusterFanOutBench() {}

    public static void main(String[] args) throws Exception {
        Process redis = null;
        String uri = System.getProperty("redis");
        if (uri == null) {
            int port = freePort();
            redis = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start();
            uri = "redis://127.0.0.1:" + port;
            Thread.sleep(500);
        }
        String prefix = "bench" + System.nanoTime();
        SocketIoServer single = server(null);
        SocketIoServer a = server(ClusterOptions.builder(uri).keyPrefix(prefix).nodeId("a").build());
        SocketIoServer b = server(ClusterOptions.builder(uri).keyPrefix(prefix).nodeId("b").build());
        ExecutorService clientThreads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "loadgen-client");
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder().executor(clientThreads).build();
        try {
            List<WebSocket> singleClients = connect(http, single.start());
            int bPort = b.start();
            a.start();
            List<WebSocket> clusterClients = connect(http, bPort);
            System.out.printf(Locale.ROOT, "[rowcast-bench] cluster fan-out: %d clients in one room, %d events per round, %d rounds%n",
                    CLIENTS, EVENTS, ROUNDS);
            round(single, "warm-up");
            round(a, "warm-up");
            double[] singleRates = new double[ROUNDS];
            double[] clusterRates = new double[ROUNDS];
            double[] loadgenShare = new double[2 * ROUNDS];
            for (int i = 0; i < ROUNDS; i++) { // alternated, so that a change of load hits both alike
                double[] s = round(single, "single node");
                double[] c = round(a, "across nodes");
                singleRates[i] = s[0];
                clusterRates[i] = c[0];
                loadgenShare[2 * i] = s[1];
                loadgenShare[2 * i + 1] = c[1];
            }
            double singleMedian = median(singleRates);
            double clusterMedian = median(clusterRates);
            System.out.printf(Locale.ROOT, "[rowcast-bench] single node:  %,.0f deliveries/s (median of %d)%n", singleMedian, ROUNDS);
            System.out.printf(Locale.ROOT, "[rowcast-bench] across nodes: %,.0f deliveries/s (median of %d)%n", clusterMedian, ROUNDS);
            System.out.printf(Locale.ROOT, "[rowcast-bench] ratio across/single: %.2fx; load average %s; load generator %.0f%% of one core (median)%n",
                    clusterMedian / singleMedian, loadAverage(), 100 * median(loadgenShare));
            System.out.printf(Locale.ROOT, "[rowcast-bench] broadcasts not published to Redis: %d%n", a.cluster().unpublished());
            singleClients.forEach(ws -> ws.abort());
            clusterClients.forEach(ws -> ws.abort());
        } finally {
            single.stop();
            a.stop();
            b.stop();
            clientThreads.shutdownNow();
            if (redis != null) redis.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static SocketIoServer server(ClusterOptions cluster) {
        SocketIoServer io = new SocketIoServer(ServerOptions.builder().cluster(cluster).build());
        io.onConnection(socket -> socket.join("room"));
        return io;
    }

    /** Emits EVENTS to the room from {@code emitter} and waits until every client got every one; deliveries/s and loadgen CPU share. */
    private static double[] round(SocketIoServer emitter, String what) throws InterruptedException {
        long expected = (long) CLIENTS * EVENTS;
        received.set(0);
        long cpu0 = loadgenCpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) emitter.to("room").emit("row", i);
        long deadline = start + TimeUnit.SECONDS.toNanos(60);
        while (received.get() < expected) {
            if (System.nanoTime() > deadline) throw new IllegalStateException(what + ": only " + received.get() + " of " + expected
                    + " deliveries within 60 s");
            Thread.sleep(1);
        }
        long elapsed = System.nanoTime() - start;
        double share = (double) (loadgenCpuNanos() - cpu0) / elapsed;
        return new double[] {expected / (elapsed / 1e9), share};
    }

    private static List<WebSocket> connect(HttpClient http, int port) throws Exception {
        List<WebSocket> sockets = new ArrayList<>();
        AtomicInteger joined = new AtomicInteger();
        for (int i = 0; i < CLIENTS; i++) {
            sockets.add(http.newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/socket.io/?EIO=4&transport=websocket"), new Client(joined)).get(10, TimeUnit.SECONDS));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (joined.get() < CLIENTS) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + joined.get() + " of " + CLIENTS + " clients joined");
            Thread.sleep(5);
        }
        return sockets;
    }

    /** A lean Socket.IO client: answers pings, joins "/", counts events. */
    private static final class Client implements WebSocket.Listener {
        private final AtomicInteger joined;
        private final StringBuilder partial = new StringBuilder();

        Client(AtomicInteger joined) {
            this.joined = joined;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (text.startsWith("42")) received.incrementAndGet();
                else if (text.startsWith("0")) ws.sendText("40", true);
                else if (text.startsWith("40")) joined.incrementAndGet();
                else if (text.equals("2")) ws.sendText("3", true);
            }
            ws.request(1);
            return null;
        }
    }

    private static long loadgenCpuNanos() {
        long sum = 0;
        for (long id : THREADS.getAllThreadIds()) {
            var info = THREADS.getThreadInfo(id);
            if (info == null) continue;
            String name = info.getThreadName();
            if (name.startsWith("loadgen-client") || name.startsWith("HttpClient")) {
                long cpu = THREADS.getThreadCpuTime(id);
                if (cpu > 0) sum += cpu;
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
