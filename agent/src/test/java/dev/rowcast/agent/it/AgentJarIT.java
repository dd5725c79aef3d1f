package dev.rowcast.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
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

    /**
     * A resource at the jar's root is on the app's class path too (the JVM adds the agent jar to it): the app's own
     * copy of a bundled library, in another version, could read ours by the same name.
     */
    @Test
    void outsideDevRowcastTheJarHoldsOnlyItsManifestServicesAndLicences() throws Exception {
        try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR.toFile())) {
            List<String> outside = jar.stream()
                    .map(JarEntry::getName)
                    .filter(name -> !name.endsWith("/") && !name.startsWith("dev/rowcast/"))
                    .filter(name -> !name.matches("META-INF/(MANIFEST\\.MF|LICENSE|NOTICE|services/dev\\.rowcast\\..+"
                            + "|licenses/[^/]+|[A-Za-z]+(-ThirdParty)?-LICENSE)"))
                    .toList();
            assertThat(outside).isEmpty();
        }
    }

    /** The resources that moved under dev/rowcast/shaded are found by the relocated code that reads them. */
    @Test
    void theBundledLibrariesReadTheResourcesThatMovedWithThem() throws Exception {
        URL[] agentJar = {ChildJvm.AGENT_JAR.toUri().toURL()};
        try (URLClassLoader jar = new URLClassLoader(agentJar, ClassLoader.getPlatformClassLoader())) {
            // the schema validator's IDN tables (format: idn-hostname) and ITU's leap seconds (format: date-time)
            Method idnValid = jar.loadClass("dev.rowcast.shaded.com.networknt.schema.utils.RFC5892")
                    .getMethod("isValid", String.class);
            assertThat(idnValid.invoke(null, "b\u00fccher.example")).isEqualTo(true);
            Method dualJoining = jar.loadClass("dev.rowcast.shaded.com.networknt.schema.utils.UnicodeDatabase")
                    .getMethod("isJoinTypeDual", int.class);
            assertThat(dualJoining.invoke(null, 0x0628)).isEqualTo(true); // ARABIC LETTER BEH
            // ITU reads its leap seconds as its DateTime class loads
            Method dateTime = jar.loadClass("dev.rowcast.shaded.com.ethlo.time.ITU").getMethod("isValid", String.class);
            assertThat(dateTime.invoke(null, "2016-12-31T23:59:59Z")).isEqualTo(true);
        }
    }
}
