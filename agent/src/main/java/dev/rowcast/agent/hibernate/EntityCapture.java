package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.agent.capture.RowMap;
import dev.rowcast.bootstrap.EntityEvents;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RowcastConfig;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What one SessionFactory's post-commit listener does with an event, on the committing thread:
 * copy the row into a {@link CapturedRow} and enqueue it. The generated listener (or the
 * reflective fallback) reads the event; this reads only the persister's metadata, once per entity.
 */
final class EntityCapture implements EntityEvents {

    private final HibernateApi api;
    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;
    /** What a row needs of its persister, read once per persister (the persisters live as long as this listener's factory). */
    private final Map<Object, Entity> entities = new ConcurrentHashMap<>();
    /**
     * The entity of the last event: most apps write one entity many times in a row, and this field
     * beats the map's lookup (a cache miss on the app's thread). A plain field is enough: an Entity's
     * fields are final, and a stale value only costs the map lookup.
     */
    private Entity last;

    EntityCapture(HibernateApi api, RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled) {
        this.api = api;
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
    }

    /**
     * Hibernate asks this for each entity action: a yes makes it keep the action for after the
     * commit. With capture off (JMX) the answer is no, so a disabled agent leaves Hibernate's work as
     * it would be without the agent.
     */
    @Override
    public boolean wants(Object persister) {
        try {
            return enabled.getAsBoolean() && entity(persister).rule != null;
        } catch (Throwable t) {
            fault("requiresPostCommitHandling", t);
            return false;
        }
    }

    @Override
    public void inserted(Object persister, Object id, Object[] state, Object session) {
        try {
            capture(Operation.CREATE, persister, id, state, null, session);
        } catch (Throwable t) {
            fault("onPostInsert", t);
        }
    }

    @Override
    public void updated(Object persister, Object id, Object[] state, int[] dirty, Object session) {
        try {
            capture(Operation.UPDATE, persister, id, state, dirty, session);
        } catch (Throwable t) {
            fault("onPostUpdate", t);
        }
    }

    @Override
    public void deleted(Object persister, Object id, Object[] deletedState, Object session) {
        try {
            capture(Operation.DELETE, persister, id, deletedState, null, session);
        } catch (Throwable t) {
            fault("onPostDelete", t);
        }
    }

    /** Counts and logs (once per kind) a fault of this listener; the app never sees it. */
    void fault(String method, Throwable t) {
        metrics.dropped.increment();
        Throwable cause = t instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : t;
        AgentLog.warnOnce("hibernate-" + method, "could not capture a Hibernate " + method + " event: " + cause, cause);
    }

    private Entity entity(Object persister) throws ReflectiveOperationException {
        Entity entity = last;
        if (entity != null && entity.persister == persister) {
            return entity;
        }
        entity = entities.get(persister);
        if (entity == null) {
            entity = describe(persister);
            entities.put(persister, entity);
        }
        last = entity;
        return entity;
    }

    /**
     * What a row of this persister's entity needs, read once. A composite identifier (its type is
     * an embeddable) becomes a map of its fields: under the identifier's name for an @EmbeddedId, or,
     * for an @IdClass (no identifier property), as the row's own first keys, where the entity declares them.
     */
    private Entity describe(Object persister) throws ReflectiveOperationException {
        CollectionConfig rule = api.rule(config, persister).orElse(null);
        if (rule == null) {
            return new Entity(persister, null, new String[0], new String[] {"id"}, null, null, null);
        }
        String[] names = ((String[]) api.persisterPropertyNames.invoke(persister)).clone();
        Component properties = new Component(api, null, names, (Object[]) api.persisterPropertyTypes.invoke(persister));
        Object idType = api.persisterIdentifierType.invoke(persister);
        Component id = Component.ofType(api, idType);
        String idName = (String) api.persisterIdentifierPropertyName.invoke(persister);
        String[] idKeys = id != null && idName == null ? id.names : new String[] {idName != null ? idName : "id"};
        return new Entity(persister, rule, names, idKeys, properties, id, id == null ? ColumnConverter.of(idType) : null,
                versionIndex(persister));
    }

    /** The version property's index in the state, -1 for an entity without one. */
    private int versionIndex(Object persister) throws ReflectiveOperationException {
        return Boolean.TRUE.equals(api.persisterIsVersioned.invoke(persister)) ? (int) api.persisterVersionIndex.invoke(persister) : -1;
    }

    private void capture(Operation operation, Object persister, Object id, Object[] state, int[] dirty, Object session)
            throws ReflectiveOperationException {
        CapturedRow row = row(operation, persister, id, state, dirty, session);
        if (row != null) {
            pipeline.offer(row);
        }
    }

    /**
     * The row of a StatelessSession's write, or null when no collection wants it. An update names
     * every property in its changes: the session keeps no earlier state, and its UPDATE sets every
     * column. An upsert is published as such an update (Hibernate does not say whether it inserted).
     */
    CapturedRow statelessRow(Operation operation, Object persister, Object id, Object[] state, Object session)
            throws ReflectiveOperationException {
        return row(operation, persister, id, state, null, session);
    }

    /** The row of a write, detached from the app's objects; null when capture is off or no collection wants it. */
    private CapturedRow row(Operation operation, Object persister, Object id, Object[] state, int[] dirty, Object session)
            throws ReflectiveOperationException {
        if (!enabled.getAsBoolean()) {
            return null;
        }
        Entity entity = entity(persister);
        CollectionConfig rule = entity.rule;
        if (!entity.wants(operation)) {
            return null;
        }
        int count = state == null ? 0 : Math.min(entity.names.length, state.length);
        Object[] values = new Object[entity.idKeys.length + count];
        Object plainId = entity.identifier(api, id, session, values);
        for (int i = 0; i < count; i++) {
            values[entity.idKeys.length + i] = entity.properties.plain(api, i, state[i], session);
        }
        Map<String, Object> data = entity.keys != null ? entity.row(values) : entity.linkedRow(values);
        // no dirty properties: Hibernate did not check (an update of a detached entity), and its UPDATE set every column
        List<String> changes = operation == Operation.UPDATE ? entity.changes(dirty != null ? dirty : entity.every(), data) : List.of();
        return new CapturedRow(rule, operation, plainId, data, changes, "hibernate");
    }

    /** An entity persister, its rule (null: not configured), property names and the row keys built from them. */
    static final class Entity {
        final Object persister;
        final CollectionConfig rule;
        final String[] names;
        /** The row's first keys: the identifier's name, or an @IdClass identifier's field names. */
        final String[] idKeys;
        /** How each property becomes a plain value; null for an entity without a rule. */
        final Component properties;
        /** The composite identifier's fields; null for a simple identifier. */
        final Component id;
        /** A simple identifier's converter (a value object behind a converter); null for none. */
        final ColumnConverter idConverter;
        /** The identifier keys, then the property names: every row's keys; null when a property repeats an identifier key. */
        final String[] keys;
        /** The version property's index among the names, -1 for none. */
        final int version;
        /** The rule's operations, a bit by ordinal: asked on every row, where the rule's set costs a hash and a probe. */
        private final int operations;
        /** The keys of the last row that left some values out (collections): the next such row mostly leaves out the same. */
        private volatile String[] lastPartialKeys;

        Entity(Object persister, CollectionConfig rule, String[] names, String[] idKeys, Component properties, Component id,
                ColumnConverter idConverter) {
            this(persister, rule, names, idKeys, properties, id, idConverter, -1);
        }

        Entity(Object persister, CollectionConfig rule, String[] names, String[] idKeys, Component properties, Component id,
                ColumnConverter idConverter, int version) {
            this.persister = persister;
            this.version = version < names.length ? version : -1;
            this.rule = rule;
            this.names = names;
            this.idKeys = idKeys;
            this.properties = properties;
            this.id = id;
            this.idConverter = idConverter;
            int wanted = 0;
            for (Operation operation : Operation.values()) {
                if (rule != null && rule.wants(operation)) {
                    wanted |= 1 << operation.ordinal();
                }
            }
            this.operations = wanted;
            String[] all = new String[idKeys.length + names.length];
            System.arraycopy(idKeys, 0, all, 0, idKeys.length);
            System.arraycopy(names, 0, all, idKeys.length, names.length);
            this.keys = Arrays.asList(names).stream().anyMatch(Arrays.asList(idKeys)::contains) ? null : all;
        }

        /** Whether the entity has a rule that publishes this operation. */
        boolean wants(Operation operation) {
            return (operations & 1 << operation.ordinal()) != 0;
        }

        /**
         * The event's identifier, its row values written to the head of {@code values}: a simple one
         * as is, a composite one as a map of its fields (one value, or each field for an @IdClass).
         */
        Object identifier(HibernateApi api, Object rawId, Object session, Object[] values) throws ReflectiveOperationException {
            if (id == null || rawId == null) {
                Object plainId = RowReader.basic(rawId);
                if (plainId == RowReader.SKIP && idConverter != null) {
                    plainId = idColumn(rawId);
                } else if (plainId == RowReader.SKIP) {
                    plainId = RowReader.plain(api, rawId, session);
                }
                values[0] = plainId;
                for (int i = 1; i < idKeys.length; i++) {
                    values[i] = RowReader.SKIP;
                }
                // an identifier none of these can read is left out of data, and the event's id is null
                return plainId == RowReader.SKIP ? null : plainId;
            }
            Object[] fields = id.values(api, rawId, session);
            Map<String, Object> plainId = Component.row(id.names, fields);
            if (idKeys.length == 1) {
                values[0] = plainId;
            } else {
                System.arraycopy(fields, 0, values, 0, idKeys.length);
            }
            return plainId;
        }

        /** A simple identifier through its converter: the column's value, or {@link RowReader#SKIP}. */
        private Object idColumn(Object rawId) {
            try {
                return RowReader.structured(idConverter.toColumn(rawId));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return RowReader.SKIP;
            }
        }

        /**
         * The row of {@code values}: the identifier keys' values, then the properties in order, as
         * many as the state had; those that are {@link RowReader#SKIP} left out. Needs {@link #keys}.
         */
        RowMap row(Object[] values) {
            int skipped = 0;
            for (Object value : values) {
                if (value == RowReader.SKIP) {
                    skipped++;
                }
            }
            if (skipped == 0 && values.length == keys.length) {
                return new RowMap(keys, values);
            }
            Object[] kept = new Object[values.length - skipped];
            int k = 0;
            for (Object value : values) {
                if (value != RowReader.SKIP) {
                    kept[k++] = value;
                }
            }
            return new RowMap(keysWithout(values), kept);
        }

        /** An entity with a property named like an identifier key: the map a LinkedHashMap made of it before, put for put. */
        Map<String, Object> linkedRow(Object[] values) {
            Map<String, Object> data = new LinkedHashMap<>(values.length * 4 / 3 + 2);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != RowReader.SKIP) {
                    data.put(i < idKeys.length ? idKeys[i] : names[i - idKeys.length], values[i]);
                }
            }
            return data;
        }

        /**
         * The names of the {@code dirty} properties: a property left out of the row (a collection) is
         * left out of an update's changes too, while one whose value could not be read (a custom type)
         * is named, though {@code data} cannot show it. Hibernate's dirty properties never name the
         * version, which every update of a versioned entity sets: it comes last.
         */
        List<String> changes(int[] dirty, Map<String, Object> data) {
            String[] changed = new String[dirty.length + 1];
            int k = 0;
            boolean versionNamed = version < 0;
            for (int index : dirty) {
                if (index >= 0 && index < names.length
                        && (data.containsKey(names[index]) || properties != null && !properties.leftOut(index))) {
                    changed[k++] = names[index];
                    versionNamed |= index == version;
                }
            }
            if (!versionNamed && data.containsKey(names[version])) {
                changed[k++] = names[version];
            }
            return List.of(k == changed.length ? changed : Arrays.copyOf(changed, k));
        }

        /** Every property's index: the changes of an update that set every column. */
        int[] every() {
            int[] every = new int[names.length];
            for (int i = 0; i < every.length; i++) {
                every[i] = i;
            }
            return every;
        }

        /** The keys of the values that are not {@link RowReader#SKIP}, values[i] belonging to keys[i]. */
        private String[] keysWithout(Object[] values) {
            String[] last = lastPartialKeys;
            if (last != null && sameKeys(last, values)) {
                return last;
            }
            String[] partial = new String[values.length];
            int k = 0;
            for (int i = 0; i < values.length; i++) {
                if (values[i] != RowReader.SKIP) {
                    partial[k++] = keys[i];
                }
            }
            partial = Arrays.copyOf(partial, k);
            lastPartialKeys = partial;
            return partial;
        }

        private boolean sameKeys(String[] partial, Object[] values) {
            int k = 0;
            for (int i = 0; i < values.length; i++) {
                if (values[i] != RowReader.SKIP && (k >= partial.length || partial[k++] != keys[i])) {
                    return false;
                }
            }
            return k == partial.length;
        }
    }
}
