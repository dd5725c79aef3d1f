package dev.rowcast.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Copies the bridge classes ({@code dev.rowcast.bootstrap}) out of the agent jar into a temporary
 * jar and appends it to the boot class path, so advice inlined into classes of any class loader
 * resolves them. Must run before any agent class touches the bridge.
 *
 * <p>The temporary jar is deleted as soon as the bridge's classes are loaded: the JVM holds the jar
 * open from the append on, and nothing reads it again. Deleting it at exit instead left one jar in
 * the temporary directory for every start of an app that was killed (a container's restarts, a
 * {@code kill -9}). Where an open file cannot be deleted (Windows, where the JVM keeps it open to the
 * end), it stays as before: deleting it at exit is still tried.
 */
final class BootstrapInjector {

    static final String PACKAGE_PATH = "dev/rowcast/bootstrap/";

    /**
     * The bridge's classes, by name: looking up five entries costs nothing, while walking the agent
     * jar's 12,000 to find them cost the start some 15 ms of CPU. BootstrapInjectorTest holds this
     * list to the compiled package.
     */
    static final List<String> CLASSES = List.of("Bridge", "Bridge$Calls", "EntityEvents", "KeyBridge", "KeyBridge$Listener", "OutOfLine", "PerThread",
            "PerThread$Owned", "Sink");

    private BootstrapInjector() {}

    static void inject(Instrumentation inst, Path agentJar) throws IOException, ClassNotFoundException {
        Path temp = Files.createTempFile("rowcast-bootstrap-", ".jar");
        try {
            appendBridge(inst, agentJar, temp);
        } finally {
            try {
                Files.delete(temp);
            } catch (IOException | RuntimeException stillOpen) {
                temp.toFile().deleteOnExit();
            }
        }
    }

    /** {@link dev.rowcast.bootstrap.OutOfLine}'s descriptor, and the JDK's annotation it stands for. */
    static final String OUT_OF_LINE = "Ldev/rowcast/bootstrap/OutOfLine;";
    static final String DONT_INLINE = "Ljdk/internal/vm/annotation/DontInline;";

    /**
     * A bridge class with each {@code @OutOfLine} method marked {@code @DontInline}, which the JVM
     * reads in the boot class loader's classes alone. The source cannot name the JDK's annotation: it
     * is not exported, and {@code --release 17} allows no {@code --add-exports} of java.base.
     */
    static byte[] outOfLine(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        return super.visitAnnotation(OUT_OF_LINE.equals(annotation) ? DONT_INLINE : annotation, visible);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    private static void appendBridge(Instrumentation inst, Path agentJar, Path temp) throws IOException, ClassNotFoundException {
        try (JarFile source = new JarFile(agentJar.toFile());
             OutputStream file = Files.newOutputStream(temp);
             JarOutputStream out = new JarOutputStream(file)) {
            for (String name : CLASSES) {
                JarEntry entry = source.getJarEntry(PACKAGE_PATH + name + ".class");
                if (entry == null) {
                    throw new IOException(agentJar + " holds no " + PACKAGE_PATH + name + ".class: is this the built rowcast-agent.jar?");
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream in = source.getInputStream(entry)) {
                    out.write(outOfLine(in.readAllBytes()));
                }
                out.closeEntry();
            }
        }
        try (JarFile bridge = new JarFile(temp.toFile())) {
            inst.appendToBootstrapClassLoaderSearch(bridge); // the JVM opens the file by its name, and keeps it open
        }
        // loads every bridge class now, before the file is deleted; and a bridge class the agent's
        // own loader took from the agent jar before this would split the bridge in two
        ClassLoader agent = BootstrapInjector.class.getClassLoader();
        for (String name : CLASSES) {
            String className = PACKAGE_PATH.replace('/', '.') + name;
            if (Class.forName(className, false, agent).getClassLoader() != null) {
                throw new IllegalStateException(className + " was loaded from the agent jar before the bridge reached the boot class path");
            }
        }
    }
}
