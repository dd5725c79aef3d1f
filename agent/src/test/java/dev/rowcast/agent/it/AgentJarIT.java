package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shape of the built jar: an agent manifest and nothing outside dev.rowcast that could clash with the app. */
class AgentJarIT {

    @Test
    void manifestDeclaresPremainAgentMainAndRetransformation() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.rowcast.agent.RowcastAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.rowcast.agent.RowcastAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
        }
    }

    @Test
    void everyBundledClassIsRelocatedUnderDevRowcast() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            List<String> outside = jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class"))
                    .filter(name -> !name.startsWith("dev/rowcast/"))
                    .toList();
            assertThat(outside).isEmpty();
            List<String> services = jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> name.startsWith("META-INF/services/") && !name.endsWith("/"))
                    .filter(name -> !name.startsWith("META-INF/services/dev.rowcast."))
                    .toList();
            assertThat(services).isEmpty();
            assertThat(jar.getEntry("dev/rowcast/shaded/net/bytebuddy/ByteBuddy.class")).isNotNull();
            assertThat(jar.getEntry("dev/rowcast/bootstrap/Bridge.class")).isNotNull();
        }
    }
}
