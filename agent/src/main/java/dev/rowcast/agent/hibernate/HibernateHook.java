package dev.rowcast.agent.hibernate;

import dev.rowcast.agent.AgentLog;
import dev.rowcast.agent.capture.CapturedRow;
import dev.rowcast.agent.capture.Metrics;
import dev.rowcast.agent.capture.Pipeline;
import dev.rowcast.agent.jdbc.HibernateTables;
import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.FieldFilter;
import dev.rowcast.config.Operation;
import dev.rowcast.config.RoomTemplate;
import dev.rowcast.config.RowcastConfig;
import dev.rowcast.config.Suggestions;
import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Appends Rowcast's post-commit listeners to each SessionFactory as its constructor returns.
 * Idempotent: in 6.2+ one constructor delegates to another, so the advice fires twice. The
 * listener is an instance of a class generated in Hibernate's loader ({@link ListenerClass}), or
 * where none can be defined, a reflective Proxy ({@link PostCommitListener}); both hand each event
 * to the factory's {@link EntityCapture}.
 */
public final class HibernateHook {

    private static final String[] EVENT_TYPES = {"POST_COMMIT_INSERT", "POST_COMMIT_UPDATE", "POST_COMMIT_DELETE"};
    private static final String[] LISTENERS = {
        "org.hibernate.event.spi.PostCommitInsertEventListener",
        "org.hibernate.event.spi.PostCommitUpdateEventListener",
        "org.hibernate.event.spi.PostCommitDeleteEventListener",
    };

    /** The log line's mark of the fast path, which the integration tests look for. */
    static final String GENERATED = "generated listener ";

    /** Diagnostic option: the reflective fallback listener even where a class can be defined (tests cover it so). */
    static final String REFLECTIVE = "rowcast.debug.reflectiveListener";

    /** What one Hibernate class loader gives every factory: its API, listener interfaces and generated listener (or why none). */
    private record Loader(HibernateApi api, Class<?>[] interfaces, Constructor<?> listener, String whyNot) {
        static Loader of(ClassLoader loader) {
            HibernateApi api;
            Class<?>[] interfaces = new Class<?>[LISTENERS.length];
            try {
                api = new HibernateApi(loader);
                for (int i = 0; i < LISTENERS.length; i++) {
                    interfaces[i] = api.type(LISTENERS[i]);
                }
            } catch (ReflectiveOperationException e) {
                // ClassValue.computeValue cannot throw it; sessionFactoryBuilt logs what it carries
                throw new IllegalStateException("Hibernate's event SPI is not what Rowcast expects: " + e, e);
            }
            if (Boolean.getBoolean(REFLECTIVE)) {
                return new Loader(api, interfaces, null, "as -D" + REFLECTIVE + "=true asks");
            }
            try {
                return new Loader(api, interfaces, ListenerClass.define(api, interfaces), null);
            } catch (Throwable t) {
                return new Loader(api, interfaces, null, "no listener class can be defined in Hibernate's class loader: " + t);
            }
        }
    }

    private final Map<Object, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<>());
    private final UnmappedEntities unmapped;
    /** Each entity collection's first table, as Hibernate names it: a bulk write's warning names it. */
    private final Map<String, String> tableOf = new ConcurrentHashMap<>();
    /** The collections whose room templates and fields were checked against their entity's properties. */
    private final Set<String> namesChecked = ConcurrentHashMap.newKeySet();
    /**
     * Each hooked factory's capture, for the rows its StatelessSessions write. Held weakly: the
     * capture reaches the factory (through the persisters it read), and the factory's listener holds
     * the capture as long as the factory lives.
     */
    private final Map<Object, WeakReference<EntityCapture>> captures = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Keyed by Hibernate's PostInsertEvent, beside which the listener class is defined: a ClassValue
     * holds its value in that class, so a Hibernate class loader that is let go is not kept alive by it.
     */
    private final ClassValue<Loader> loaders = new ClassValue<>() {
        @Override
        protected Loader computeValue(Class<?> postInsertEvent) {
            return Loader.of(postInsertEvent.getClassLoader());
        }
    };
    private final RowcastConfig config;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final BooleanSupplier enabled;
    private final HibernateTables tables;
    private final StatelessRows stateless;

    /**
     * @param jdbcRows     publishes a StatelessSession's row with its connection's transaction (see {@link StatelessRows})
     * @param jdbcFollowed whether the JDBC hooks are in
     */
    public HibernateHook(RowcastConfig config, Pipeline pipeline, Metrics metrics, BooleanSupplier enabled, HibernateTables tables,
                         BiConsumer<Object, CapturedRow> jdbcRows, BooleanSupplier jdbcFollowed) {
        this.config = config;
        this.unmapped = new UnmappedEntities(config.collections().values());
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.enabled = enabled;
        this.tables = tables;
        this.stateless = new StatelessRows(pipeline, metrics, jdbcRows, jdbcFollowed);
    }

    /**
     * A StatelessSession of a hooked factory wrote an entity's row (6.6 and 7.x; see
     * HibernateInstrumentation): read now, published once its transaction commits.
     */
    public void statelessWritten(Object session, String fired, Object entity, Object id, Object[] state, Object persister) {
        if (!enabled.getAsBoolean()) {
            return;
        }
        EntityCapture capture = null;
        try {
            WeakReference<EntityCapture> hooked = captures.get(stateless.factory(session));
            capture = hooked == null ? null : hooked.get();
            if (capture == null) {
                return;
            }
            Operation operation = switch (fired) {
                case "firePostInsert" -> Operation.CREATE;
                case "firePostDelete" -> Operation.DELETE;
                default -> Operation.UPDATE; // an update, or an upsert
            };
            Object[] values = operation == Operation.DELETE ? stateless.values(session, persister, entity) : state;
            CapturedRow row = capture.statelessRow(operation, persister, id, values, session);
            if (row != null) {
                stateless.written(session, persister, row);
            }
        } catch (Throwable t) {
            if (capture != null) {
                capture.fault("stateless", t);
            }
        }
    }

    /** A StatelessSession's batch call begins or ends (see {@link StatelessRows}). */
    public void statelessBatch(boolean enter, boolean returned) {
        stateless.batch(enter, returned);
    }

    /**
     * How many of {@link #EVENT_TYPES} get the listener: the delete one only when a collection
     * of an entity asks for deletes (a table's collection is fed by JDBC). In 6.x and 7.x any
     * POST_COMMIT_DELETE listener makes Hibernate load an unloaded proxy before deleting it
     * ({@code remove(getReference(...))} runs a SELECT more).
     */
    private int listenedEvents() {
        for (CollectionConfig collection : config.collections().values()) {
            if (collection.entity().isPresent() && collection.wants(Operation.DELETE)) {
                return EVENT_TYPES.length;
            }
        }
        return EVENT_TYPES.length - 1;
    }

    public void sessionFactoryBuilt(Object sessionFactory) {
        sessionFactoriesFound(List.of(sessionFactory));
    }

    /**
     * Factories found together (those built before capture started): each is hooked, then the
     * {@code entity:} names that none of them maps are said, so that an app with several factories
     * hears nothing of an entity one of them maps.
     */
    public void sessionFactoriesFound(List<?> sessionFactories) {
        List<UnmappedEntities.Mapped> found = new ArrayList<>();
        for (Object sessionFactory : sessionFactories) {
            UnmappedEntities.Mapped mapped = hook(sessionFactory);
            if (mapped != null) {
                found.add(mapped);
            }
        }
        for (UnmappedEntities.Line line : unmapped.hooked(found)) {
            if (line.warning()) {
                AgentLog.warn(line.text());
            } else {
                AgentLog.info(line.text());
            }
        }
    }

    /** Adds the listeners to a factory not hooked before; what it maps, or null when that is not known. */
    private UnmappedEntities.Mapped hook(Object sessionFactory) {
        if (seen.put(sessionFactory, Boolean.TRUE) != null) {
            return null;
        }
        UnmappedEntities.Mapped mapped = null;
        try {
            ClassLoader loader = sessionFactory.getClass().getClassLoader();
            Loader hibernate = loaders.get(Class.forName("org.hibernate.event.spi.PostInsertEvent", false, loader));
            HibernateApi api = hibernate.api();
            Class<?> registryType = api.type("org.hibernate.event.service.spi.EventListenerRegistry");
            Object services = sessionFactory.getClass().getMethod("getServiceRegistry").invoke(sessionFactory);
            Method getService = api.type("org.hibernate.service.ServiceRegistry").getMethod("getService", Class.class);
            Object registry = getService.invoke(services, registryType);

            Class<?>[] interfaces = hibernate.interfaces();
            EntityCapture capture = new EntityCapture(api, config, pipeline, metrics, enabled);
            captures.put(sessionFactory, new WeakReference<>(capture));
            Object listener = hibernate.listener() != null
                    ? hibernate.listener().newInstance(capture)
                    : Proxy.newProxyInstance(api.loader, interfaces, new PostCommitListener(api, capture));

            // before the listeners: from their first event on, the JDBC layer knows which of the flush's rows they report
            mapped = noteReportedTables(api, sessionFactory);
            Class<?> eventType = api.type("org.hibernate.event.spi.EventType");
            Method append = registryType.getMethod("appendListeners", eventType, Object[].class);
            for (int i = 0; i < listenedEvents(); i++) {
                Object type = eventType.getField(EVENT_TYPES[i]).get(null);
                Object array = Array.newInstance(interfaces[i], 1);
                Array.set(array, 0, listener);
                append.invoke(registry, type, array);
            }
            AgentLog.info("Hibernate post-commit listeners added to " + sessionFactory.getClass().getName() + " ("
                    + (hibernate.listener() != null ? GENERATED + hibernate.listener().getDeclaringClass().getName() + ")"
                    : "reflective listener, " + hibernate.whyNot() + "; rows are still captured, at a higher cost per row)"));
        } catch (Throwable t) {
            AgentLog.warn("cannot hook this Hibernate SessionFactory (" + t + "); its entities will not be captured, the app runs on", t);
            return null;
        }
        return mapped;
    }

    /**
     * A query's bulk write (HQL, JPQL, criteria or native SQL) wrote {@code count} rows. Hibernate
     * tells its listeners of none of them, so a collection that takes its entity's rows from those
     * alone (no {@code table:}) misses them: counted as dropped, and said once per collection. A
     * collection with a {@code table:} gets them from their SQL.
     */
    public void bulkExecuted(Object query, int count) {
        if (count <= 0 || !enabled.getAsBoolean()) {
            return;
        }
        try {
            boolean nativeSql = query.getClass().getSimpleName().startsWith("NativeQuery");
            String target = nativeSql ? null : BulkWrites.sqmTarget(query);
            String text = queryString(query);
            if (target == null && text != null) {
                target = BulkWrites.target(text);
            }
            CollectionConfig rule = target == null ? null : nativeSql ? collectionOfTable(target) : config.forEntity(target).orElse(null);
            String table = rule == null ? null : tableOf.get(rule.slug());
            Operation operation = text == null ? null : BulkWrites.operation(text);
            if (rule == null || rule.entity().isEmpty() || rule.table().isPresent() || readFromSql(table)
                    || operation != null && !rule.wants(operation)) {
                // a write the collection does not publish (a delete where it lists no deletes) misses nothing
                return;
            }
            metrics.dropped.add(count);
            AgentLog.warnOnce("bulk-" + rule.slug(), "collection " + rule.slug() + ": a bulk write through Hibernate ("
                    + (text != null ? AgentLog.sql(text) : target) + ") wrote " + count + " row(s) of " + rule.entity().get()
                    + " that are not published: Hibernate tells its listeners only of the entities a session flushes (HQL, JPQL"
                    + " and criteria updates and deletes, and native SQL, are not). Add `table: " + (table != null ? table : "<its table>")
                    + "` to the collection to publish such writes from their SQL (each reaches the rooms its SQL gives the columns of),"
                    + " or change the entities through the session; such rows are counted in EventsDropped", null);
        } catch (Throwable t) {
            AgentLog.warnOnce("bulk-unread", "could not read a Hibernate bulk write: " + t, t);
        }
    }

    /** The query's text, or null when it has none to give (criteria's may not). */
    private static String queryString(Object query) {
        try {
            Object text = query.getClass().getMethod("getQueryString").invoke(query);
            return text instanceof String string ? string : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a {@code table:} collection reads this table, and so gets a bulk write's rows from its SQL. */
    private boolean readFromSql(String table) {
        if (table == null) {
            return false;
        }
        String plain = BulkWrites.plainTable(table);
        for (CollectionConfig collection : config.collections().values()) {
            if (collection.table().isPresent() && BulkWrites.plainTable(collection.table().get()).equals(plain)) {
                return true;
            }
        }
        return false;
    }

    /** The entity collection whose entity is stored in this table (as SQL names it: any case, a schema, quotes). */
    private CollectionConfig collectionOfTable(String sqlTable) {
        String wanted = BulkWrites.plainTable(sqlTable);
        for (Map.Entry<String, String> entry : tableOf.entrySet()) {
            if (BulkWrites.plainTable(entry.getValue()).equals(wanted)) {
                return config.collections().get(entry.getKey());
            }
        }
        return null;
    }

    /**
     * The tables of each entity an {@code entity:} collection names (its own, its secondary ones, a
     * joined superclass's): Hibernate reports those rows, so the JDBC layer leaves the flush's SQL on
     * them alone. Where an entity's tables cannot be read, none of the flush's SQL is reported by
     * JDBC (from any factory: the pipeline cannot tell them apart). Returns what the factory maps,
     * null when its persisters cannot be read.
     */
    private UnmappedEntities.Mapped noteReportedTables(HibernateApi api, Object sessionFactory) {
        List<Object> persisters;
        try {
            persisters = persisters(api, sessionFactory);
        } catch (Throwable t) {
            tablesUnknown(t);
            return null;
        }
        Set<String> mapped = new HashSet<>();
        List<String> entityNames = new ArrayList<>();
        // each entity collection's row keys, over every entity it takes (a superclass's collection takes its subclasses')
        Map<CollectionConfig, Set<String>> keys = new LinkedHashMap<>();
        for (Object persister : persisters) {
            try {
                entityNames.add((String) api.persisterEntityName.invoke(persister));
                Optional<CollectionConfig> rule = api.rule(config, persister);
                if (rule.isPresent()) {
                    mapped.add(rule.get().slug());
                    keysOf(api, persister, rule.get(), keys);
                    for (Object table : tables(api, persister)) {
                        tables.add(String.valueOf(table));
                        tableOf.putIfAbsent(rule.get().slug(), String.valueOf(table));
                    }
                }
            } catch (Throwable t) {
                tablesUnknown(t);
            }
        }
        sayUnknownNames(keys);
        return new UnmappedEntities.Mapped(sessionFactory.getClass().getSimpleName(), mapped, entityNames);
    }

    /**
     * The keys of this persister's rows (its properties and identifier keys) added to its
     * collection's; nothing for a collection that also names a table, whose JDBC rows carry column
     * names. A persister that cannot be read leaves its collection unchecked.
     */
    private static void keysOf(HibernateApi api, Object persister, CollectionConfig rule, Map<CollectionConfig, Set<String>> keys) {
        if (rule.table().isPresent() || keys.containsKey(rule) && keys.get(rule) == null) {
            return;
        }
        try {
            Set<String> names = new LinkedHashSet<>(List.of((String[]) api.persisterPropertyNames.invoke(persister)));
            String idName = (String) api.persisterIdentifierPropertyName.invoke(persister);
            Component id = Component.ofType(api, api.persisterIdentifierType.invoke(persister));
            names.addAll(id != null && idName == null ? List.of(id.names) : List.of(idName != null ? idName : "id"));
            keys.computeIfAbsent(rule, r -> new LinkedHashSet<>()).addAll(names);
        } catch (Throwable t) {
            keys.put(rule, null);
        }
    }

    /**
     * A warning for each name a collection's room templates or {@code fields:} read that none of its
     * entities has a property of, once per collection: a misspelt name would otherwise leave every
     * row without its room, or a field silently out of (or in) the event.
     */
    private void sayUnknownNames(Map<CollectionConfig, Set<String>> keys) {
        keys.forEach((rule, names) -> {
            if (names == null || !namesChecked.add(rule.slug())) {
                return;
            }
            List<String> known = List.copyOf(names);
            for (RoomTemplate room : rule.rooms()) {
                for (String name : room.columns()) {
                    if (!names.contains(name)) {
                        AgentLog.warn("collection " + rule.slug() + ": the room " + room.source() + " reads '" + name
                                + "', which no entity of the collection has" + suggestion(name, known)
                                + "; its rows will resolve no room from it");
                    }
                }
            }
            Set<String> folded = new HashSet<>();
            names.forEach(key -> folded.add(FieldFilter.normalized(key)));
            for (String name : rule.fields().names()) {
                if (!folded.contains(FieldFilter.normalized(name))) {
                    AgentLog.warn("collection " + rule.slug() + ": fields names '" + name + "', which no entity of the collection has"
                            + suggestion(name, known) + "; it " + (rule.fields().mode() == FieldFilter.Mode.INCLUDE
                            ? "adds nothing to the events" : "keeps nothing out of the events"));
                }
            }
        });
    }

    private static String suggestion(String name, List<String> keys) {
        String closest = Suggestions.closest(name, keys);
        return closest != null ? " (did you mean '" + closest + "'?)"
                : " (its properties: " + String.join(", ", keys.size() > 20 ? keys.subList(0, 20) : keys) + (keys.size() > 20 ? ", ...)" : ")");
    }

    private void tablesUnknown(Throwable t) {
        tables.unknown();
        AgentLog.warnOnce("hibernate-tables", "cannot read which tables Hibernate's entities are stored in (" + t
                + "); rows that Hibernate's flush writes reach no table: collection", t);
    }

    /**
     * The tables the persister writes: {@code getTableNames()} of an AbstractEntityPersister (5.6 to
     * 7.x), else its property spaces, which add the tables of {@code @Synchronize}.
     */
    private static Object[] tables(HibernateApi api, Object persister) throws ReflectiveOperationException {
        Class<?> abstractPersister = api.type("org.hibernate.persister.entity.AbstractEntityPersister");
        if (abstractPersister.isInstance(persister)) {
            return (Object[]) abstractPersister.getMethod("getTableNames").invoke(persister);
        }
        // Serializable[] in 5.6, String[] from 6.0 on
        return (Object[]) api.entityPersister.getMethod("getPropertySpaces").invoke(persister);
    }

    /** The factory's entity persisters: its mapping metamodel's (6.x, 7.x) or its metamodel's (5.6). */
    private static List<Object> persisters(HibernateApi api, Object sessionFactory) throws ReflectiveOperationException {
        Class<?> factoryType = api.type("org.hibernate.engine.spi.SessionFactoryImplementor");
        Method mappingMetamodel;
        try {
            mappingMetamodel = factoryType.getMethod("getMappingMetamodel");
        } catch (NoSuchMethodException older) {
            Object metamodel = factoryType.getMethod("getMetamodel").invoke(sessionFactory);
            Map<?, ?> persisters = (Map<?, ?>) api.type("org.hibernate.metamodel.spi.MetamodelImplementor")
                    .getMethod("entityPersisters").invoke(metamodel);
            return new ArrayList<>(persisters.values());
        }
        Object metamodel = mappingMetamodel.invoke(sessionFactory);
        try (Stream<?> persisters = (Stream<?>) api.type("org.hibernate.metamodel.MappingMetamodel")
                .getMethod("streamEntityDescriptors").invoke(metamodel)) {
            return new ArrayList<>(persisters.toList());
        }
    }
}
