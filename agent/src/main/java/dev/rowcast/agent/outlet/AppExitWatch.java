package dev.rowcast.agent.outlet;

/**
 * The server's Netty threads are not daemons, so on their own they would keep the JVM alive after
 * the app is done. This daemon watch closes the server once every remaining non-daemon thread is
 * the agent's (in {@link ServerOutlet#THREADS}), and the JVM exits as it would without the agent.
 */
final class AppExitWatch implements Runnable {

    private static final long POLL_MILLIS = 200;

    private final ServerOutlet outlet;

    AppExitWatch(ServerOutlet outlet) {
        this.outlet = outlet;
    }

    static void start(ServerOutlet outlet) {
        Thread thread = new Thread(new AppExitWatch(outlet), "rowcast-exit-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            while (outlet.running()) {
                Thread.sleep(POLL_MILLIS);
                if (onlyAgentThreadsKeepTheJvmAlive()) {
                    outlet.close();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean onlyAgentThreadsKeepTheJvmAlive() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int count = root.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            Thread t = threads[i];
            if (t.isAlive() && !t.isDaemon() && !"DestroyJavaVM".equals(t.getName()) && !inAgentGroup(t)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inAgentGroup(Thread thread) {
        for (ThreadGroup g = thread.getThreadGroup(); g != null; g = g.getParent()) {
            if (g == ServerOutlet.THREADS) {
                return true;
            }
        }
        return false;
    }
}
