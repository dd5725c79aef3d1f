package dev.rowcast.bootstrap;

/**
 * What Rowcast's Hibernate listener hands over after a commit: the listener class is generated at
 * run time inside Hibernate's own class loader, which sees the boot class path, so this interface
 * is the one type both sides share. Only JDK types cross it; the agent implements it and every
 * implementation catches what it throws.
 */
public interface EntityEvents {

    /** Hibernate's {@code requiresPostCommitHandling(EntityPersister)}: false for an entity no rule wants. */
    boolean wants(Object persister);

    /** {@code onPostInsert}: the row as written; {@code session} resolves associations to their ids. */
    void inserted(Object persister, Object id, Object[] state, Object session);

    /** {@code onPostUpdate}: the row after the write and the indexes of the properties it changed (or null). */
    void updated(Object persister, Object id, Object[] state, int[] dirty, Object session);

    /** {@code onPostDelete}: the row as it was before the delete. */
    void deleted(Object persister, Object id, Object[] deletedState, Object session);
}
