package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.config.RowcastConfig;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.BooleanSupplier;

/**
 * Appends Rowcast's post-commit listeners to each SessionFactory as its constructor returns.
 * Idempotent: in 6.2+ one constructor delegates to another, so the advice fires twice.
 */
public final class HibernateHook {

    private static final String[] EVENT_TYPES = {"POST_COMMIT_INSERT", "POST_COMMIT_UPDATE", "POST_COMMIT_DELETE"};
    private static final String[] LISTENERS = {
        "org.hibernate.event.spi.PostCommitInsertEventListener",
        "org.hibernate.event.spi.PostCommitUpdateEventListener",
        "org.hibernate.event.spi.PostCommitDeleteEventListener",
    };

    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<ClassLoader, HibernateApi> apis = Collections.synchronizedMap(new WeakHashMap<>());
    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;

    public HibernateHook(RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled) {
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
    }

    public void sessionFactoryBuilt(Object sessionFactory) {
        if (seen.put(sessionFactory, Boolean.TRUE) != null) {
            return;
        }
        try {
            ClassLoader loader = sessionFactory.getClass().getClassLoader();
            HibernateApi api = apis.get(loader);
            if (api == null) {
                api = new HibernateApi(loader);
                apis.put(loader, api);
            }
            Class<?> registryType = api.type("org.hibernate.event.service.spi.EventListenerRegistry");
            Object services = sessionFactory.getClass().getMethod("getServiceRegistry").invoke(sessionFactory);
            Method getService = api.type("org.hibernate.service.ServiceRegistry").getMethod("getService", Class.class);
            Object registry = getService.invoke(services, registryType);

            Class<?>[] interfaces = new Class<?>[LISTENERS.length];
            for (int i = 0; i < LISTENERS.length; i++) {
                interfaces[i] = api.type(LISTENERS[i]);
            }
            Object listener = Proxy.newProxyInstance(loader, interfaces,
                    new PostCommitListener(api, config, pipeline, metrics, enabled));

            Class<?> eventType = api.type("org.hibernate.event.spi.EventType");
            Method append = registryType.getMethod("appendListeners", eventType, Object[].class);
            for (int i = 0; i < EVENT_TYPES.length; i++) {
                Object type = eventType.getField(EVENT_TYPES[i]).get(null);
                Object array = Array.newInstance(interfaces[i], 1);
                Array.set(array, 0, listener);
                append.invoke(registry, type, array);
            }
            AgentLog.info("Hibernate post-commit listeners added to " + sessionFactory.getClass().getName());
        } catch (Throwable t) {
            AgentLog.warn("cannot hook this Hibernate SessionFactory (" + t + "); its entities will not be captured, the app runs on", t);
        }
    }
}
