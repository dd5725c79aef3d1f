package dev.rowcast.agent.instrument;

import dev.rowcast.agent.AgentLog;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

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

    /** The class file with the hook, or null (unchanged) if it cannot be read: then one warning. */
    static byte[] apply(byte[] classFile) {
        try {
            ClassReader reader = new ClassReader(classFile);
            ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
                    return "<init>".equals(name) ? new ReportOnReturn(method) : method;
                }
            }, 0);
            return writer.toByteArray();
        } catch (RuntimeException e) {
            AgentLog.warnOnce("session-factory-hook", "cannot hook org.hibernate.internal.SessionFactoryImpl (" + e
                    + "); Hibernate entity rows are not captured", e);
            return null;
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
