package app;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

/** Not named in rowcast.yml: its rows must not be reported. */
@Entity
public class Note {
    @Id
    @GeneratedValue
    Long id;
    String text;

    public Note() {}

    public Note(String text) {
        this.text = text;
    }
}
