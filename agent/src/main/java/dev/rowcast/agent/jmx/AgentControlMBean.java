package dev.rowcast.agent.jmx;

/** JMX view of the agent, registered as {@code dev.rowcast:type=Agent} (SPEC §6). */
public interface AgentControlMBean {

    boolean isEnabled();

    /** false stops capture and closes the server's port; true starts both again. */
    void setEnabled(boolean enabled);

    /**
     * Whether the Socket.IO server listens: false while capture is off, and while its port could
     * not be bound (setting {@code Enabled} to true tries again).
     */
    boolean isServing();

    long getConnections();

    int getRooms();

    long getEventsCaptured();

    long getEventsEmitted();

    long getEventsDropped();

    /**
     * Broadcasts that Redis did not take while it was unreachable, so they reached this node's
     * clients only (always 0 without {@code cluster:} in rowcast.yml).
     */
    long getClusterUnpublished();

    /** Sends {@code event} with the parsed {@code jsonPayload} to every client in {@code room}. */
    void emit(String room, String event, String jsonPayload);
}
