package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HibernateApiTest {

    /** LazyInitializer of 5.6 and later: getIdentifier() may initialise the proxy, getInternalIdentifier() never does. */
    interface CurrentInitializer {
        Object getIdentifier();

        default Object getInternalIdentifier() {
            return null;
        }
    }

    interface OlderInitializer {
        Object getIdentifier();
    }

    @Test
    void proxyIdentifierIsReadWithoutInitialisingTheProxyWhereHibernateCan() throws Exception {
        assertThat(HibernateApi.proxyIdentifier(CurrentInitializer.class).getName()).isEqualTo("getInternalIdentifier");
        assertThat(HibernateApi.proxyIdentifier(OlderInitializer.class).getName()).isEqualTo("getIdentifier");
    }
}
