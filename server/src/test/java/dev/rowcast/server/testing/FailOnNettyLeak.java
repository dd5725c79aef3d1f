package dev.rowcast.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer while it runs.
 *
 * <p>Use with {@code @ExtendWith(FailOnNettyLeak.class)}. It turns leak detection to PARANOID
 * (every buffer tracked), listens to the {@code ResourceLeakDetector} log (Netty logs through
 * java.util.logging here: no SLF4J on the test class path), and after the class forces a few
 * GC rounds plus allocations, which is when Netty reports collected, unreleased buffers.
 */
public final class FailOnNettyLeak implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static final Logger DETECTOR_LOG = Logger.getLogger(ResourceLeakDetector.class.getName());
    private static final Handler HANDLER = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (record.getLevel().intValue() >= Level.SEVERE.intValue() && message != null && message.contains("LEAK")) {
                synchronized (LEAKS) {
                    LEAKS.add(message);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        DETECTOR_LOG.addHandler(HANDLER);
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private static final String START = "leaksBefore";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!(InternalLoggerFactory.getDefaultFactory() instanceof JdkLoggerFactory)) {
            throw new IllegalStateException("FailOnNettyLeak: Netty logs through " + InternalLoggerFactory.getDefaultFactory()
                    + ", not java.util.logging, so leaks would go unseen; remove the logging binding from the test class path");
        }
        context.getStore(ExtensionContext.Namespace.create(FailOnNettyLeak.class)).put(START, leakCount());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        int before = context.getStore(ExtensionContext.Namespace.create(FailOnNettyLeak.class)).get(START, Integer.class);
        for (int round = 0; round < 3; round++) {
            System.gc();
            // Reports are made when a later buffer is tracked: allocate some to flush them out.
            for (int i = 0; i < 64; i++) {
                release(PooledByteBufAllocator.DEFAULT.directBuffer(16));
                release(PooledByteBufAllocator.DEFAULT.heapBuffer(16));
                release(UnpooledByteBufAllocator.DEFAULT.directBuffer(16));
            }
            Thread.sleep(20); // give the reference queue time to fill after GC; no condition to await
        }
        List<String> leaks;
        synchronized (LEAKS) {
            leaks = List.copyOf(LEAKS.subList(before, LEAKS.size()));
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leaked buffer(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    /** The number of leak reports seen so far in this JVM. */
    public static int leakCount() {
        synchronized (LEAKS) {
            return LEAKS.size();
        }
    }

    private static void release(ByteBuf buf) {
        buf.release();
    }
}
