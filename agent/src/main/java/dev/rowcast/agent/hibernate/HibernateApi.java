package dev.rowcast.agent.hibernate;

import dev.rowcast.config.CollectionConfig;
import dev.rowcast.config.RowcastConfig;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * Hibernate's event SPI seen through reflection, resolved once per Hibernate class loader. The
 * methods are looked up on Hibernate's public interfaces and event classes, whose binary shape
 * differs between 5.x, 6.x and 7.x (getId() returns Serializable in 5.x, getters moved in 7.x),
 * so the agent needs no Hibernate on its own classpath.
 */
final class HibernateApi {

    final ClassLoader loader;
    final Class<?> entityPersister;
    final Method persisterEntityName;
    final Method persisterPropertyNames;
    final Method persisterIdentifierPropertyName;
    final Method persisterGetIdentifier;
    final Method persisterPropertyTypes;
    final Method persisterIdentifierType;
    final Method persisterMappedClass;
    final Method persisterIsVersioned;
    /** The version property's index in the state: getVersionProperty() in 5.6 and 6.x, getVersionPropertyIndex() in 7.x. */
    final Method persisterVersionIndex;
    final Method typeIsCollection;
    final Method typeIsComponent;
    final Method typeIsAssociation;
    final Method compositeNames;
    final Method compositeSubtypes;
    final Method compositeValues;
    final Method insertEntity;
    final Method insertId;
    final Method insertState;
    final Method insertPersister;
    final Method insertSession;
    final Method updateId;
    final Method updateState;
    final Method updateDirty;
    final Method updatePersister;
    final Method updateSession;
    final Method deleteId;
    final Method deleteState;
    final Method deletePersister;
    final Method deleteSession;
    final Method sessionContextEntityIdentifier;
    final Method sessionEntityPersister;
    final Class<?> hibernateProxy;
    final Method proxyInitializer;
    final Method initializerIdentifier;
    final Method initializerEntityName;
    final Class<?> persistentCollection;

    /** Each persister's composite identifier, or none: weak, so a closed factory's persisters go. */
    private final Map<Object, Optional<Component>> compositeIds = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The collection of the persister's entity: the one that names it, else the one that names the
     * nearest of its superclasses ({@code entity: Animal} takes {@code Dog}'s rows too); empty when none does.
     */
    Optional<CollectionConfig> rule(RowcastConfig config, Object persister) throws ReflectiveOperationException {
        Optional<CollectionConfig> rule = config.forEntity((String) persisterEntityName.invoke(persister));
        Object mapped = persisterMappedClass.invoke(persister);
        for (Class<?> type = mapped instanceof Class<?> c ? c.getSuperclass() : null; rule.isEmpty() && type != null
                && type != Object.class; type = type.getSuperclass()) {
            rule = config.forEntity(type.getName());
        }
        return rule;
    }

    HibernateApi(ClassLoader loader) throws ReflectiveOperationException {
        this.loader = loader;
        entityPersister = type("org.hibernate.persister.entity.EntityPersister");
        persisterEntityName = entityPersister.getMethod("getEntityName");
        persisterPropertyNames = entityPersister.getMethod("getPropertyNames");
        persisterIdentifierPropertyName = entityPersister.getMethod("getIdentifierPropertyName");
        Class<?> session = type("org.hibernate.engine.spi.SharedSessionContractImplementor");
        persisterGetIdentifier = entityPersister.getMethod("getIdentifier", Object.class, session);
        persisterPropertyTypes = entityPersister.getMethod("getPropertyTypes");
        persisterIdentifierType = entityPersister.getMethod("getIdentifierType");
        persisterMappedClass = entityPersister.getMethod("getMappedClass");
        persisterIsVersioned = entityPersister.getMethod("isVersioned");
        persisterVersionIndex = versionIndex(entityPersister);
        Class<?> hibernateType = type("org.hibernate.type.Type");
        typeIsCollection = hibernateType.getMethod("isCollectionType");
        typeIsComponent = hibernateType.getMethod("isComponentType");
        typeIsAssociation = hibernateType.getMethod("isAssociationType");
        Class<?> composite = type("org.hibernate.type.CompositeType");
        compositeNames = composite.getMethod("getPropertyNames");
        compositeSubtypes = composite.getMethod("getSubtypes");
        // the same in 5.6, 6.x and 7.x (5.6's other overload takes an EntityMode, 6.x's none)
        compositeValues = composite.getMethod("getPropertyValues", Object.class, session);
        sessionContextEntityIdentifier = session.getMethod("getContextEntityIdentifier", Object.class);
        sessionEntityPersister = session.getMethod("getEntityPersister", String.class, Object.class);

        Class<?> insert = type("org.hibernate.event.spi.PostInsertEvent");
        insertEntity = insert.getMethod("getEntity");
        insertId = insert.getMethod("getId");
        insertState = insert.getMethod("getState");
        insertPersister = insert.getMethod("getPersister");
        insertSession = insert.getMethod("getSession");
        Class<?> update = type("org.hibernate.event.spi.PostUpdateEvent");
        updateId = update.getMethod("getId");
        updateState = update.getMethod("getState");
        updateDirty = update.getMethod("getDirtyProperties");
        updatePersister = update.getMethod("getPersister");
        updateSession = update.getMethod("getSession");
        Class<?> delete = type("org.hibernate.event.spi.PostDeleteEvent");
        deleteId = delete.getMethod("getId");
        deleteState = delete.getMethod("getDeletedState");
        deletePersister = delete.getMethod("getPersister");
        deleteSession = delete.getMethod("getSession");

        hibernateProxy = type("org.hibernate.proxy.HibernateProxy");
        proxyInitializer = hibernateProxy.getMethod("getHibernateLazyInitializer");
        initializerIdentifier = proxyIdentifier(type("org.hibernate.proxy.LazyInitializer"));
        initializerEntityName = type("org.hibernate.proxy.LazyInitializer").getMethod("getEntityName");
        persistentCollection = type("org.hibernate.collection.spi.PersistentCollection");
        for (Method method : new Method[] {persisterEntityName, persisterPropertyNames, persisterIdentifierPropertyName,
                persisterGetIdentifier, insertEntity, insertId, insertState, insertPersister, insertSession, updateId, updateState,
                updateDirty, updatePersister, updateSession, deleteId, deleteState, deletePersister, deleteSession,
                sessionContextEntityIdentifier, sessionEntityPersister, proxyInitializer, initializerIdentifier, compositeValues}) {
            skipAccessCheck(method);
        }
    }

    private static Method versionIndex(Class<?> entityPersister) throws NoSuchMethodException {
        try {
            return entityPersister.getMethod("getVersionPropertyIndex");
        } catch (NoSuchMethodException before7) {
            return entityPersister.getMethod("getVersionProperty");
        }
    }

    /**
     * The proxy's identifier as it holds it: {@code getInternalIdentifier()} (5.6, 6.x, 7.x) never
     * initialises the proxy, while {@code getIdentifier()} does under
     * {@code hibernate.jpa.compliance.proxy=true} (a SELECT at commit, or a LazyInitializationException
     * once the session is closed). Hibernates older than that have only {@code getIdentifier()}.
     */
    static Method proxyIdentifier(Class<?> lazyInitializer) throws NoSuchMethodException {
        try {
            return lazyInitializer.getMethod("getInternalIdentifier");
        } catch (NoSuchMethodException older) {
            return lazyInitializer.getMethod("getIdentifier");
        }
    }

    /** Method.invoke checks the caller (a stack walk) on every call unless told not to: several calls per captured row. */
    private static void skipAccessCheck(Method method) {
        try {
            method.setAccessible(true);
        } catch (RuntimeException notOpen) {
            // a Hibernate in a named module that does not open the package: the check stays, the calls still work
        }
    }

    /** The persister's identifier as an embeddable (an @EmbeddedId or @IdClass key); null for a simple one. Read once per persister. */
    Component compositeId(Object persister) throws ReflectiveOperationException {
        Optional<Component> known = compositeIds.get(persister);
        if (known == null) {
            known = Optional.ofNullable(Component.ofType(this, persisterIdentifierType.invoke(persister)));
            compositeIds.put(persister, known);
        }
        return known.orElse(null);
    }

    Class<?> type(String name) throws ClassNotFoundException {
        return Class.forName(name, false, loader);
    }
}
