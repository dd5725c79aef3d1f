package dev.rowcast.bench.capture.app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;

/** The entity the insert benchmark persists: a few fields of the usual kinds, a sequence id. */
@Entity
@Table(name = "bench_item")
public class BenchItem {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE)
    private Long id;

    /** The room template's column: {@code owner:{owner}}. */
    private long owner;

    @Column(length = 80)
    private String title;

    private BigDecimal amount;

    private boolean done;

    private Instant createdAt;

    protected BenchItem() {}

    public BenchItem(long owner, String title, BigDecimal amount, Instant createdAt) {
        this.owner = owner;
        this.title = title;
        this.amount = amount;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }
}
