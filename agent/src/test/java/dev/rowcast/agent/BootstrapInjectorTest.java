package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.bootstrap.Bridge;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {

    /** A bridge class left off the list would be missing from the boot class path, and advice calling it would fail. */
    @Test
    void listsEveryCompiledBridgeClass() throws IOException, URISyntaxException {
        Path compiled = Path.of(Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(BootstrapInjector.PACKAGE_PATH);
        try (Stream<Path> files = Files.list(compiled)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".class"))
                    .map(name -> name.substring(0, name.length() - ".class".length())))
                    .containsExactlyInAnyOrderElementsOf(BootstrapInjector.CLASSES);
        }
    }

    /**
     * The bridge's hooks reach the boot class path marked with the JDK's DontInline, which the JVM
     * honours there; the small per-thread calls the advice makes stay inlinable.
     */
    @Test
    void marksTheHooksOutOfLineForTheJit() throws IOException {
        byte[] injected;
        try (InputStream in = Bridge.class.getResourceAsStream("Bridge.class")) {
            injected = BootstrapInjector.outOfLine(in.readAllBytes());
        }
        List<String> dontInline = new ArrayList<>();
        List<String> stillOutOfLine = new ArrayList<>();
        new ClassReader(injected).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        if (annotation.equals(BootstrapInjector.DONT_INLINE) && visible) {
                            dontInline.add(name);
                        } else if (annotation.equals(BootstrapInjector.OUT_OF_LINE)) {
                            stillOutOfLine.add(name);
                        }
                        return null;
                    }
                };
            }
        }, 0);
        assertThat(dontInline).contains("parameterSet", "parameterSetLong", "executed", "committed")
                .doesNotContain("executeEnter", "executeExit", "prepareEnter", "hibernateEnter");
        assertThat(stillOutOfLine).isEmpty();
    }
}
