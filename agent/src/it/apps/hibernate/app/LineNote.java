package app;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;

/** A note on an order line: an association to an entity whose id is composite. */
@Entity
public class LineNote {
    @Id
    Long id;
    @ManyToOne(fetch = FetchType.LAZY)
    Line line;
    String text;

    public LineNote() {}

    public LineNote(Long id, Line line, String text) {
        this.id = id;
        this.line = line;
        this.text = text;
    }
}
