package dev.rowcast.agent.outlet;

import dev.rowcast.agent.route.Delivery;

/** Where routed events go: the Socket.IO server, and/or the diagnostic capture log. */
public interface Outlet extends AutoCloseable {

    void deliver(Delivery delivery);

    @Override
    default void close() {}
}
