package dev.rowcast.agent.hibernate;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;

/**
 * The fallback listener, behind a {@code java.lang.reflect.Proxy} that implements Hibernate's
 * PostCommitInsert/Update/DeleteEventListener: used only when no listener class can be defined in
 * Hibernate's class loader (see {@link ListenerClass}). It reads each event through reflection and
 * hands it to the same {@link EntityCapture} as the generated listener.
 */
final class PostCommitListener implements InvocationHandler {

    private final HibernateApi api;
    private final EntityCapture capture;

    PostCommitListener(HibernateApi api, EntityCapture capture) {
        this.api = api;
        this.capture = capture;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
        try {
            switch (method.getName()) {
                case "onPostInsert" -> capture.inserted(api.insertPersister.invoke(args[0]), api.insertId.invoke(args[0]),
                        (Object[]) api.insertState.invoke(args[0]), api.insertSession.invoke(args[0]));
                case "onPostUpdate" -> capture.updated(api.updatePersister.invoke(args[0]), api.updateId.invoke(args[0]),
                        (Object[]) api.updateState.invoke(args[0]), (int[]) api.updateDirty.invoke(args[0]),
                        api.updateSession.invoke(args[0]));
                case "onPostDelete" -> capture.deleted(api.deletePersister.invoke(args[0]), api.deleteId.invoke(args[0]),
                        (Object[]) api.deleteState.invoke(args[0]), api.deleteSession.invoke(args[0]));
                // 'Handing' is the abstract method's name in Hibernate 5.x (a typo kept for compatibility)
                case "requiresPostCommitHandling", "requiresPostCommitHanding" -> {
                    return capture.wants(args[0]);
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
            capture.fault(method.getName(), t);
        }
        return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
    }
}
