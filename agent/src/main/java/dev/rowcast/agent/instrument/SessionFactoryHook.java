package dev.rowcast.agent.instrument;

import dev.rowcast.agent.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Hibernate 5.x–7.x: every SessionFactoryImpl constructor reports the new factory to the bridge as
 * it returns (its listeners are appended then). Written with the ASM inside Byte Buddy (some 20
 * classes) rather than Byte Buddy's Advice (some 1,000 and most of a second of CPU), because with
 * the gate registered from premain the app's start waits for this hook: {@link InstrumentGate}
 * holds SessionFactoryImpl until it is in. Otherwise it is put in by retransforming the class, and
 * the factories built before are found in Hibernate's registry.
 *
 * <p>The call is placed before each {@code return} of each constructor, as an exit advice without
 * {@code onThrowable}: a constructor that throws built no factory. {@code Bridge.sessionFactoryBuilt}
 * catches whatever the sink throws, so the constructor needs no handler of its own (and no new
 * stack map frames, which would have ASM load Hibernate's classes to compute them).
 */
final class SessionFactoryHook {

    private static final String BRIDGE = "dev/rowcast/bootstrap/Bridge";

    private SessionFactoryHook() {}

    /**
     * SessionFactoryRegistry's {@code addSessionFactory(uuid, name, ..., factory, jndi)} reports the
     * factory as it enters (5.6 calls it last in the constructor, 6.x and 7.x from an observer at the
     * constructor's end). A constructor that began before SessionFactoryImpl was hooked runs without
     * the hook to its end, but its call here is a new one: so a factory being built when capture
     * starts (Spring Boot builds its own late in its start) is reported too. Null (unchanged) if the
     * class cannot be read.
     */
    static byte[] applyToRegistry(byte[] classFile) {
        return rewrite(classFile, (access, name, descriptor, method) -> {
            int slot = "addSessionFactory".equals(name) && (access & Opcodes.ACC_STATIC) == 0 ? factorySlot(descriptor) : -1;
            return slot < 0 ? method : new MethodVisitor(Opcodes.ASM9, method) {
                @Override
                public void visitCode() {
                    super.visitCode();
                    super.visitVarInsn(Opcodes.ALOAD, slot);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sessionFactoryBuilt", "(Ljava/lang/Object;)V", false);
                }
            };
        }, "org.hibernate.internal.SessionFactoryRegistry", "a session factory being built as capture starts is not captured");
    }

    /** The local slot of addSessionFactory's fourth parameter, the factory, in 5.6, 6.x and 7.x; -1 when the method is another. */
    static int factorySlot(String descriptor) {
        Type[] parameters = Type.getArgumentTypes(descriptor);
        if (parameters.length != 5 || parameters[3].getSort() != Type.OBJECT) {
            return -1;
        }
        int slot = 1;
        for (int i = 0; i < 3; i++) {
            slot += parameters[i].getSize();
        }
        return slot;
    }

    /**
     * Every session's constructor, {@code AbstractSharedSessionContract(SessionFactoryImpl, options)}
     * in 5.6, 6.x and 7.x, reports its factory as it begins: a factory that never entered Hibernate's
     * registry (Quarkus builds its SessionFactoryImpl itself) and was built before SessionFactoryImpl
     * was hooked is found at its first session. The call comes before the constructor's call of its
     * super constructor, where it only reads a parameter. Null (unchanged) if the class cannot be read.
     */
    static byte[] applyToSessions(byte[] classFile) {
        String takesFactoryFirst = "(L" + InstrumentGate.SESSION_FACTORY + ";";
        String consequence = "the entity rows of a session factory built before capture started are captured only if"
                + " Hibernate's registry lists it";
        boolean[] hooked = {false};
        byte[] rewritten = rewrite(classFile, (access, name, descriptor, method) -> {
            if ("<init>".equals(name) && descriptor.startsWith(takesFactoryFirst)) {
                hooked[0] = true;
                return new ReportFactoryFirst(method);
            }
            return method;
        }, InstrumentGate.SESSION_CONTRACT.replace('/', '.'), consequence);
        if (rewritten != null && !hooked[0]) {
            AgentLog.warnOnce("hook-sessions", "no constructor of " + InstrumentGate.SESSION_CONTRACT.replace('/', '.')
                    + " takes a SessionFactoryImpl first, as in Hibernate 5.6 to 7.x; " + consequence, null);
            return null; // the class as it was
        }
        return rewritten;
    }

    /** The class file with the hook, or null (unchanged) if it cannot be read: then one warning. */
    static byte[] apply(byte[] classFile) {
        return rewrite(classFile, (access, name, descriptor, method) -> "<init>".equals(name) ? new ReportOnReturn(method) : method,
                "org.hibernate.internal.SessionFactoryImpl", "Hibernate entity rows are not captured");
    }

    /** How one method of a class is rewritten: the visitor that writes it, given the one that writes it unchanged. */
    private interface MethodHook {
        MethodVisitor visit(int access, String name, String descriptor, MethodVisitor method);
    }

    /** The class file with each method passed through {@code hook}; null (unchanged) and one warning if it cannot be read. */
    private static byte[] rewrite(byte[] classFile, MethodHook hook, String className, String consequence) {
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    return hook.visit(access, name, descriptor, super.visitMethod(access, name, descriptor, signature, exceptions));
                }
            }, 0);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            AgentLog.warnOnce("hook-" + className, "cannot hook " + className + " (" + e + "); " + consequence, e);
            return null;
        }
    }

    /** A session constructor's first act: its first parameter, the factory, to {@code Bridge.sessionOpened}. */
    private static final class ReportFactoryFirst extends MethodVisitor {
        ReportFactoryFirst(MethodVisitor target) {
            super(Opcodes.ASM9, target);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sessionOpened", "(Ljava/lang/Object;)V", false);
        }
    }

    private static final class ReportOnReturn extends MethodVisitor {
        ReportOnReturn(MethodVisitor target) {
            super(Opcodes.ASM9, target);
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                super.visitVarInsn(Opcodes.ALOAD, 0);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "sessionFactoryBuilt", "(Ljava/lang/Object;)V", false);
            }
            super.visitInsn(opcode);
        }
    }
}
