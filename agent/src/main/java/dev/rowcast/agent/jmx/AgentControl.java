package dev.rowcast.agent.jmx;

import dev.rowcast.agent.AgentLog;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/** Registers the agent's MBean; the runtime supplies the behaviour. */
public final class AgentControl {

    public static final String NAME = "dev.rowcast:type=Agent";

    private AgentControl() {}

    public static void register(AgentControlMBean agent) {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new StandardMBean(agent, AgentControlMBean.class), new ObjectName(NAME));
        } catch (Throwable t) {
            AgentLog.warn("cannot register the JMX MBean " + NAME + " (" + t + "); the agent runs without it");
        }
    }
}
