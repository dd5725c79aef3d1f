package app;

import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.List;

/** An order line: a composite id (@EmbeddedId), an embedded address and a collection. */
@Entity
@Table(name = "order_line")
public class Line {
    @EmbeddedId
    LineKey key;
    String note;
    @Embedded
    Address address;
    @ElementCollection
    List<String> tags = new ArrayList<>();

    public Line() {}

    public Line(LineKey key, String note, Address address, String tag) {
        this.key = key;
        this.note = note;
        this.address = address;
        this.tags.add(tag);
    }
}
