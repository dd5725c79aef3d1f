package dev.rowcast.agent.jmx;

/** JMX view of the agent, registered as {@code dev.rowcast:type=Agent} (SPEC §6). */
public interface AgentControlMBean {

    boolean isEnabled();

    /** false stops capture and closes the server's port; true starts both again. */
    void setEnabled(boolean enabled);

    long getConnections();

    int getRooms();

    long getEventsCaptured();

    long getEventsEmitted();

    long getEventsDropped();

    /** Sends {@code event} with the parsed {@code jsonPayload} to every client in {@code room}. */
    void emit(String room, String event, String jsonPayload);
}
