package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.agent.hibernate.UnmappedEntities.Line;
import dev.rowcast.agent.hibernate.UnmappedEntities.Mapped;
import dev.rowcast.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an app with one or several SessionFactories hears of the entities its rowcast.yml names. */
class UnmappedEntitiesTest {

    private static final Mapped ORDERS = new Mapped("OrdersFactory", Set.of("orders"), List.of("shop.Order", "shop.Line"));
    private static final Mapped USERS = new Mapped("UsersFactory", Set.of(), List.of("auth.User"));

    private static UnmappedEntities entities() throws Exception {
        return new UnmappedEntities(ConfigLoader.load("rowcast.yml", """
                collections:
                  orders: { entity: Order }
                  lines: { table: lines }
                """, Map.of()).collections().values());
    }

    @Test
    void factoriesFoundTogetherAreJudgedTogether() throws Exception {
        assertThat(entities().hooked(List.of(USERS, ORDERS))).isEmpty();
    }

    @Test
    void anEntityNoFactoryMapsIsOneWarningNamingTheirEntities() throws Exception {
        UnmappedEntities entities = entities();
        Mapped other = new Mapped("BillingFactory", Set.of(), List.of("billing.Invoice"));
        assertThat(entities.hooked(List.of(USERS, other))).containsExactly(new Line(true,
                "collection orders names the entity 'Order', which none of the 2 SessionFactories maps (their entities: Invoice, User);"
                        + " the collection gets no rows from it. Check the name in rowcast.yml (simple or qualified)"));
        assertThat(entities.hooked(List.of(other))).as("said once").isEmpty();
    }

    @Test
    void aFactoryBuiltLaterThatMapsTheEntityTakesTheWarningBack() throws Exception {
        UnmappedEntities entities = entities();
        assertThat(entities.hooked(List.of(USERS))).singleElement().satisfies(line -> {
            assertThat(line.warning()).isTrue();
            assertThat(line.text()).startsWith("collection orders names the entity 'Order', which the SessionFactory UsersFactory"
                    + " does not map (its entities: User);");
        });
        assertThat(entities.hooked(List.of(ORDERS))).containsExactly(new Line(false,
                "collection orders: the SessionFactory OrdersFactory, built since, maps the entity 'Order'; its rows are captured after all"));
        assertThat(entities.hooked(List.of(new Mapped("Again", Set.of("orders"), List.of())))).as("said once").isEmpty();
    }

    @Test
    void aLaterFactoryWithoutTheEntityIsNoNewsOnceOneMapsIt() throws Exception {
        UnmappedEntities entities = entities();
        assertThat(entities.hooked(List.of(ORDERS))).isEmpty();
        assertThat(entities.hooked(List.of(USERS))).isEmpty();
    }
}
