package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Reading a registry shaped like Hibernate's; the real one, on 5.6, 6.6 and 7.4, is read in AttachIT. */
class RegisteredFactoriesTest {

    /** Hibernate's SessionFactoryRegistry as far as the agent reads it. */
    static final class Registry {
        public static final Registry INSTANCE = new Registry();
        private final ConcurrentHashMap<String, Object> sessionFactoryMap = new ConcurrentHashMap<>();
    }

    /** A Hibernate whose registry keeps its factories elsewhere. */
    static final class OtherRegistry {
        public static final OtherRegistry INSTANCE = new OtherRegistry();
    }

    @Test
    void theOpenFactoriesOfARegistryAreFound() {
        Object first = new Object();
        Object second = new Object();
        Registry.INSTANCE.sessionFactoryMap.put("uuid-1", first);
        Registry.INSTANCE.sessionFactoryMap.put("uuid-2", second);
        try {
            assertThat(RegisteredFactories.of(Registry.class)).containsExactlyInAnyOrder(first, second);
        } finally {
            Registry.INSTANCE.sessionFactoryMap.clear();
        }
    }

    @Test
    void aRegistryOfAnotherShapeGivesNoFactoryAndThrowsNothing() {
        assertThat(RegisteredFactories.of(OtherRegistry.class)).isEmpty();
    }
}
