package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RowcastConfig;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The behaviour behind the {@code java.lang.reflect.Proxy} that implements Hibernate's
 * PostCommitInsert/Update/DeleteEventListener. Hibernate calls it after the transaction committed,
 * on the committing thread: it only copies the row into a {@link CapturedRow} and enqueues it.
 */
final class PostCommitListener implements InvocationHandler {

    private final HibernateApi api;
    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;
    private final Map<String, Optional<CollectionConfig>> rules = new ConcurrentHashMap<>();
    /** What a row needs of its persister, read once per persister (the persisters live as long as this listener's factory). */
    private final Map<Object, Entity> entities = new ConcurrentHashMap<>();

    /** An entity persister's rule (null: not configured), property names and identifier name. */
    private record Entity(CollectionConfig rule, String[] names, String idName) {}

    PostCommitListener(HibernateApi api, RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled) {
        this.api = api;
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        try {
            switch (method.getName()) {
                case "onPostInsert" -> capture(Operation.CREATE, args[0]);
                case "onPostUpdate" -> capture(Operation.UPDATE, args[0]);
                case "onPostDelete" -> capture(Operation.DELETE, args[0]);
                // 'Handing' is the abstract method's name in Hibernate 5.x (a typo kept for compatibility)
                case "requiresPostCommitHandling", "requiresPostCommitHanding" -> {
                    return rule(args[0]) != null;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "rowcast post-commit listener";
                }
                default -> {
                    // onPost*CommitFailed: the transaction rolled back, nothing to report
                }
            }
        } catch (Throwable t) {
            metrics.dropped.increment();
            Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
            AgentLog.warnOnce("hibernate-" + method.getName(), "could not capture a Hibernate " + method.getName() + " event: " + cause, cause);
        }
        return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
    }

    private CollectionConfig rule(Object persister) throws ReflectiveOperationException {
        return entity(persister).rule();
    }

    private Entity entity(Object persister) throws ReflectiveOperationException {
        Entity entity = entities.get(persister);
        if (entity == null) {
            String entityName = (String) api.persisterEntityName.invoke(persister);
            CollectionConfig rule = rules.computeIfAbsent(entityName, config::forEntity).orElse(null);
            String idName = (String) api.persisterIdentifierPropertyName.invoke(persister);
            entity = new Entity(rule, ((String[]) api.persisterPropertyNames.invoke(persister)).clone(), idName != null ? idName : "id");
            entities.put(persister, entity);
        }
        return entity;
    }

    private void capture(Operation operation, Object event) throws ReflectiveOperationException {
        if (!enabled.getAsBoolean()) {
            return;
        }
        long ts = System.currentTimeMillis();
        Method persisterOf = switch (operation) {
            case CREATE -> api.insertPersister;
            case UPDATE -> api.updatePersister;
            case DELETE -> api.deletePersister;
        };
        Entity entity = entity(persisterOf.invoke(event));
        CollectionConfig rule = entity.rule();
        if (rule == null || !rule.wants(operation)) {
            return;
        }
        Object id;
        Object[] state;
        Object session;
        List<String> changes = List.of();
        String[] names = entity.names();
        switch (operation) {
            case CREATE -> {
                id = api.insertId.invoke(event);
                state = (Object[]) api.insertState.invoke(event);
                session = api.insertSession.invoke(event);
            }
            case UPDATE -> {
                id = api.updateId.invoke(event);
                state = (Object[]) api.updateState.invoke(event);
                session = api.updateSession.invoke(event);
                int[] dirty = (int[]) api.updateDirty.invoke(event);
                if (dirty != null) {
                    List<String> changed = new ArrayList<>(dirty.length);
                    for (int index : dirty) {
                        changed.add(names[index]);
                    }
                    changes = List.copyOf(changed);
                }
            }
            default -> {
                id = api.deleteId.invoke(event);
                state = (Object[]) api.deleteState.invoke(event);
                session = api.deleteSession.invoke(event);
            }
        }
        Object plainId = RowReader.plain(api, id, session);
        Map<String, Object> data = new LinkedHashMap<>(names.length * 4 / 3 + 2);
        data.put(entity.idName(), plainId);
        if (state != null) {
            for (int i = 0; i < names.length && i < state.length; i++) {
                Object value = RowReader.plain(api, state[i], session);
                if (value != RowReader.SKIP) {
                    data.put(names[i], value);
                }
            }
        }
        pipeline.offer(new CapturedRow(rule, operation, plainId, data, changes, "hibernate", ts));
    }
}
