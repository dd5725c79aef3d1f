package app;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.SecondaryTable;

/** An entity over two tables: its own and a secondary one. */
@Entity
@SecondaryTable(name = "badge_detail")
public class Badge {
    @Id
    Long id;
    String label;
    @Column(table = "badge_detail")
    String detail;

    public Badge() {}

    public Badge(Long id, String label, String detail) {
        this.id = id;
        this.label = label;
        this.detail = detail;
    }
}
