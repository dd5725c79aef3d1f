package dev.rowcast.agent.hibernate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rowcast.config.Operation;
import org.junit.jupiter.api.Test;

/** The entity or table a bulk write names, as HQL, JPQL and native SQL write it. */
class BulkWritesTest {

    @Test
    void theTargetOfEachFormOfBulkWrite() {
        assertThat(BulkWrites.target("update StockItem set onHand = 0 where shop = 's2'")).isEqualTo("StockItem");
        assertThat(BulkWrites.target("UPDATE Place p SET p.name = 'Bistro' WHERE p.id = :id")).isEqualTo("Place");
        assertThat(BulkWrites.target("delete from Ticket where id = 2")).isEqualTo("Ticket");
        assertThat(BulkWrites.target("delete Ticket where id = 2")).isEqualTo("Ticket");
        assertThat(BulkWrites.target("/* purge */ delete from app.Ticket t")).isEqualTo("app.Ticket");
        assertThat(BulkWrites.target("insert into Archive (id, text) select n.id, n.text from Note n")).isEqualTo("Archive");
        assertThat(BulkWrites.target("\n  update \"PUBLIC\".\"ITEM\" set name = ?")).isEqualTo("\"PUBLIC\".\"ITEM\"");
        assertThat(BulkWrites.target("update versioned Item set name = 'x'")).isEqualTo("Item");
        assertThat(BulkWrites.target("select 1")).isNull();
    }

    /** A collection that does not publish what the write does misses nothing: the operation decides. */
    @Test
    void theOperationIsTheFirstWords() {
        assertThat(BulkWrites.operation("update versioned Item set name = 'x'")).isEqualTo(Operation.UPDATE);
        assertThat(BulkWrites.operation("DELETE Ticket where id = 2")).isEqualTo(Operation.DELETE);
        assertThat(BulkWrites.operation("insert into Archive (id) select n.id from Note n")).isEqualTo(Operation.CREATE);
        assertThat(BulkWrites.operation("select 1")).isNull();
    }

    @Test
    void aTableIsComparedWithoutSchemaQuotesOrCase() {
        assertThat(BulkWrites.plainTable("\"PUBLIC\".\"ITEM\"")).isEqualTo("item");
        assertThat(BulkWrites.plainTable("shop.`order_line`")).isEqualTo("order_line");
        assertThat(BulkWrites.plainTable("Item")).isEqualTo("item");
    }
}
