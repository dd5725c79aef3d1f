package dev.rowcast.agent.hibernate;

import dev.rowcast.bootstrap.EntityEvents;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Rowcast's post-commit listener as a class of Hibernate's own class loader, written once per
 * loader: it calls the event getters directly, with the descriptors of the Hibernate that is
 * loaded, and hands the values to {@link EntityEvents}. The reflective Proxy it replaces cost the
 * app's thread a Method.invoke per getter and a long C2 compile.
 *
 * <p>Each method of the listener interfaces becomes: {@code onPostInsert/Update/Delete} → one call
 * to {@link EntityEvents}; {@code requiresPostCommitHandling} (and 5.x's {@code ...Handing}) →
 * {@link EntityEvents#wants}; any other abstract method ({@code onPost*CommitFailed}, a rollback)
 * does nothing. A call is wrapped in a handler for Throwable that returns the default value.
 */
final class ListenerClass {

    /** Sits in Hibernate's event package: a class defined through a lookup shares the lookup class's package. */
    static final String SIMPLE_NAME = "RowcastPostCommitListener";
    private static final String EVENTS = Type.getInternalName(EntityEvents.class);
    private static final String EVENTS_DESCRIPTOR = Type.getDescriptor(EntityEvents.class);
    private static final String THROWABLE = "java/lang/Throwable";

    private ListenerClass() {}

    /**
     * Defines the class beside {@code PostInsertEvent} and returns its constructor, which takes the
     * {@link EntityEvents} of one SessionFactory. Throws when the loader cannot take it (a
     * Hibernate in a named module that does not open its packages, a security manager).
     */
    static Constructor<?> define(HibernateApi api, Class<?>[] interfaces) throws ReflectiveOperationException {
        Class<?> anchor = api.type("org.hibernate.event.spi.PostInsertEvent");
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(anchor, MethodHandles.lookup());
        String name = anchor.getPackageName().replace('.', '/') + "/" + SIMPLE_NAME;
        Class<?> type = lookup.defineClass(generate(name, interfaces));
        return type.getConstructor(EntityEvents.class);
    }

    static byte[] generate(String internalName, Class<?>[] interfaces) throws NoSuchMethodException {
        String[] names = new String[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            names[i] = Type.getInternalName(interfaces[i]);
        }
        // COMPUTE_MAXS only: the one stack map frame each method needs is written below, so ASM never loads Hibernate's classes
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
                internalName, null, "java/lang/Object", names);
        writer.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_FINAL, "events", EVENTS_DESCRIPTOR, null, null).visitEnd();
        constructor(writer, internalName);
        toString(writer);

        Set<String> written = new HashSet<>();
        for (Class<?> type : interfaces) {
            for (Method method : type.getMethods()) {
                if (Modifier.isStatic(method.getModifiers()) || !written.add(method.getName() + Type.getMethodDescriptor(method))) {
                    continue;
                }
                switch (method.getName()) {
                    case "onPostInsert" -> forward(writer, internalName, method, "inserted",
                            "(Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)V",
                            "getPersister", "getId", "getState", "getSession");
                    case "onPostUpdate" -> forward(writer, internalName, method, "updated",
                            "(Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;[ILjava/lang/Object;)V",
                            "getPersister", "getId", "getState", "getDirtyProperties", "getSession");
                    case "onPostDelete" -> forward(writer, internalName, method, "deleted",
                            "(Ljava/lang/Object;Ljava/lang/Object;[Ljava/lang/Object;Ljava/lang/Object;)V",
                            "getPersister", "getId", "getDeletedState", "getSession");
                    // 'Handing' is the abstract method's name in 5.x (a typo kept); 7.x's default answers false
                    case "requiresPostCommitHandling", "requiresPostCommitHanding" -> wants(writer, internalName, method);
                    default -> {
                        if (!method.isDefault()) {
                            nothing(writer, method);
                        }
                    }
                }
            }
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    private static void constructor(ClassWriter writer, String internalName) {
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(" + EVENTS_DESCRIPTOR + ")V", null, null);
        code.visitCode();
        code.visitVarInsn(Opcodes.ALOAD, 0);
        code.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        code.visitVarInsn(Opcodes.ALOAD, 0);
        code.visitVarInsn(Opcodes.ALOAD, 1);
        code.visitFieldInsn(Opcodes.PUTFIELD, internalName, "events", EVENTS_DESCRIPTOR);
        code.visitInsn(Opcodes.RETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    private static void toString(ClassWriter writer) {
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, "toString", "()Ljava/lang/String;", null, null);
        code.visitCode();
        code.visitLdcInsn("rowcast post-commit listener");
        code.visitInsn(Opcodes.ARETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /** {@code try { events.<target>(event.getA(), event.getB(), ...); } catch (Throwable t) {}} */
    private static void forward(ClassWriter writer, String internalName, Method method, String target, String targetDescriptor,
                                String... getters) throws NoSuchMethodException {
        Class<?>[] parameters = method.getParameterTypes();
        if (parameters.length != 1 || method.getReturnType() != void.class) {
            throw new NoSuchMethodException("unexpected Hibernate listener method " + method);
        }
        Class<?> event = parameters[0];
        Type[] expected = Type.getArgumentTypes(targetDescriptor);
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, method.getName(), Type.getMethodDescriptor(method), null, null);
        Label handler = guardedEvents(code, internalName);
        for (int i = 0; i < getters.length; i++) {
            Method getter = event.getMethod(getters[i]);
            Class<?> returned = getter.getReturnType();
            // Object parameters take any reference; the arrays must be exactly what EntityEvents declares
            boolean fits = expected[i].getSort() == Type.OBJECT ? !returned.isPrimitive() : Type.getType(returned).equals(expected[i]);
            if (!fits) {
                throw new NoSuchMethodException(event.getName() + "." + getters[i] + "() returns " + returned.getName()
                        + ", not " + expected[i].getClassName());
            }
            code.visitVarInsn(Opcodes.ALOAD, 1);
            code.visitMethodInsn(event.isInterface() ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL,
                    Type.getInternalName(event), getter.getName(), Type.getMethodDescriptor(getter), event.isInterface());
        }
        code.visitMethodInsn(Opcodes.INVOKEINTERFACE, EVENTS, target, targetDescriptor, true);
        code.visitInsn(Opcodes.RETURN);
        caught(code, handler);
        code.visitInsn(Opcodes.RETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /** {@code try { return events.wants(persister); } catch (Throwable t) { return false; }} */
    private static void wants(ClassWriter writer, String internalName, Method method) throws NoSuchMethodException {
        if (method.getParameterCount() != 1 || method.getReturnType() != boolean.class) {
            throw new NoSuchMethodException("unexpected Hibernate listener method " + method);
        }
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, method.getName(), Type.getMethodDescriptor(method), null, null);
        Label handler = guardedEvents(code, internalName);
        code.visitVarInsn(Opcodes.ALOAD, 1);
        code.visitMethodInsn(Opcodes.INVOKEINTERFACE, EVENTS, "wants", "(Ljava/lang/Object;)Z", true);
        code.visitInsn(Opcodes.IRETURN);
        caught(code, handler);
        code.visitInsn(Opcodes.ICONST_0);
        code.visitInsn(Opcodes.IRETURN);
        code.visitMaxs(0, 0);
        code.visitEnd();
    }

    /**
     * Opens a method's body as {@code try { this.events ...}: starts the code and the guarded range,
     * loads the events field; returns the handler's label for {@link #caught}.
     */
    private static Label guardedEvents(MethodVisitor code, String internalName) {
        code.visitCode();
        Label start = new Label();
        Label handler = new Label();
        code.visitTryCatchBlock(start, handler, handler, THROWABLE);
        code.visitLabel(start);
        code.visitVarInsn(Opcodes.ALOAD, 0);
        code.visitFieldInsn(Opcodes.GETFIELD, internalName, "events", EVENTS_DESCRIPTOR);
        return handler;
    }

    /** {@code catch (Throwable t)}: the guarded range ends here and the Throwable is dropped; the caller returns. */
    private static void caught(MethodVisitor code, Label handler) {
        code.visitLabel(handler);
        code.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {THROWABLE});
        code.visitInsn(Opcodes.POP);
    }

    /** An abstract method with nothing to do (onPost*CommitFailed): returns the default value of its type. */
    private static void nothing(ClassWriter writer, Method method) {
        Type returned = Type.getReturnType(method);
        MethodVisitor code = writer.visitMethod(Opcodes.ACC_PUBLIC, method.getName(), Type.getMethodDescriptor(method), null, null);
        code.visitCode();
        switch (returned.getSort()) {
            case Type.VOID -> code.visitInsn(Opcodes.RETURN);
            case Type.LONG -> {
                code.visitInsn(Opcodes.LCONST_0);
                code.visitInsn(Opcodes.LRETURN);
            }
            case Type.FLOAT -> {
                code.visitInsn(Opcodes.FCONST_0);
                code.visitInsn(Opcodes.FRETURN);
            }
            case Type.DOUBLE -> {
                code.visitInsn(Opcodes.DCONST_0);
                code.visitInsn(Opcodes.DRETURN);
            }
            case Type.ARRAY, Type.OBJECT -> {
                code.visitInsn(Opcodes.ACONST_NULL);
                code.visitInsn(Opcodes.ARETURN);
            }
            default -> {
                code.visitInsn(Opcodes.ICONST_0);
                code.visitInsn(Opcodes.IRETURN);
            }
        }
        code.visitMaxs(0, 0);
        code.visitEnd();
    }
}
