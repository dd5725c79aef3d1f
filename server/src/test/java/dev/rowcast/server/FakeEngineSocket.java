package dev.rowcast.server;

import dev.rowcast.server.engine.EngineListener;
import dev.rowcast.server.engine.EngineMessage;
import dev.rowcast.server.engine.EngineSocket;
import dev.rowcast.server.engine.Handshake;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Engine.IO session without a network: the test plays the client by calling
 * {@link #receive}, and reads what the server sent from {@link #sentTexts()}. Callbacks run on a
 * serial executor, like the real engine's event loop.
 */
final class FakeEngineSocket implements EngineSocket {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final String id = "engine-" + IDS.incrementAndGet();
    private final EngineListener listener;
    private final Handshake handshake;
    private final Executor executor = new SerialExecutor();
    private final List<List<EngineMessage>> sent = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    volatile String closeReason;

    FakeEngineSocket(EngineListener listener) {
        this(listener, Map.of());
    }

    FakeEngineSocket(EngineListener listener, Map<String, List<String>> headers) {
        this.listener = listener;
        this.handshake = new Handshake(headers, Map.of("EIO", List.of("4")), new InetSocketAddress("127.0.0.1", 40000),
                "/socket.io/?EIO=4&transport=websocket", false, System.currentTimeMillis());
        executor.execute(() -> listener.onOpen(this));
    }

    /** The client sends a text message. */
    FakeEngineSocket receive(String text) {
        executor.execute(() -> {
            if (open) listener.onMessage(this, text);
        });
        return this;
    }

    FakeEngineSocket receiveBinary(byte[] data) {
        executor.execute(() -> {
            if (open) listener.onBinary(this, data);
        });
        return this;
    }

    /** The transport went away under the session. */
    void drop(String reason) {
        executor.execute(() -> {
            if (open) {
                open = false;
                closeReason = reason;
                listener.onClose(this, reason);
            }
        });
    }

    List<String> sentTexts() {
        List<String> texts = new ArrayList<>();
        for (List<EngineMessage> unit : sent) {
            for (EngineMessage m : unit) if (!m.isBinary()) texts.add(m.text());
        }
        return texts;
    }

    List<List<EngineMessage>> sentUnits() {
        return sent;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Handshake handshake() {
        return handshake;
    }

    @Override
    public String transport() {
        return "websocket";
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public boolean send(List<EngineMessage> messages) {
        if (!open) return false;
        sent.add(List.copyOf(messages));
        return true;
    }

    @Override
    public void close() {
        drop("forced close");
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Runs tasks one at a time in submission order, on whichever thread drains the queue. */
    private static final class SerialExecutor implements Executor {
        private final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        private boolean running;

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                tasks.add(task);
                if (running) return;
                running = true;
            }
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                next.run();
            }
        }
    }
}
