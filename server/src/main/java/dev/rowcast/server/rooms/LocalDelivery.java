package dev.rowcast.server.rooms;

import dev.rowcast.server.engine.EngineMessage;
import java.util.List;

/** How an adapter hands an encoded packet to a socket connected to this node. */
@FunctionalInterface
public interface LocalDelivery {
    /** Returns false when the socket is gone or cannot take more. */
    boolean deliver(String socketId, List<EngineMessage> encoded);
}
