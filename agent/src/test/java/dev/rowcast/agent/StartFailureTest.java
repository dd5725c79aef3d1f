package dev.rowcast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The line a failed start logs: an agent class gone from the jar is a jar replaced under the running JVM. */
class StartFailureTest {

    @Test
    void aMissingAgentClassSaysTheJarWasReplaced() {
        Throwable missing = new IllegalStateException(new NoClassDefFoundError("dev/rowcast/agent/BootstrapInjector"));
        assertThat(RowcastAgent.couldNotStart(missing)).endsWith(
                "NoClassDefFoundError: dev/rowcast/agent/BootstrapInjector): the agent jar was probably replaced after this JVM"
                        + " started; restart the app");
        assertThat(RowcastAgent.couldNotStart(new NoClassDefFoundError("org/hibernate/Session")))
                .isEqualTo("could not start (java.lang.NoClassDefFoundError: org/hibernate/Session)");
    }
}
