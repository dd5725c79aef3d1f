package dev.rowcast.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Copies the bridge classes ({@code dev.rowcast.bootstrap}) out of the agent jar into a temporary
 * jar and appends it to the boot class path, so advice inlined into classes of any class loader
 * resolves them. Must run before any agent class touches the bridge.
 */
final class BootstrapInjector {

    static final String PACKAGE_PATH = "dev/rowcast/bootstrap/";

    private BootstrapInjector() {}

    static void inject(Instrumentation inst, Path agentJar) throws IOException {
        Path temp = Files.createTempFile("rowcast-bootstrap-", ".jar");
        temp.toFile().deleteOnExit();
        int copied = 0;
        try (JarFile source = new JarFile(agentJar.toFile());
             OutputStream file = Files.newOutputStream(temp);
             JarOutputStream out = new JarOutputStream(file)) {
            for (JarEntry entry : (Iterable<JarEntry>) source.stream()::iterator) {
                if (entry.getName().startsWith(PACKAGE_PATH) && entry.getName().endsWith(".class")) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = source.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                    copied++;
                }
            }
        }
        if (copied == 0) {
            throw new IOException(agentJar + " holds no " + PACKAGE_PATH + " classes: is this the built rowcast-agent.jar?");
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(temp.toFile()));
    }
}
