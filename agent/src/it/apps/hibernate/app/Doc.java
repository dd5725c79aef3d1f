package app;

import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import java.util.HashSet;
import java.util.Set;

/** A versioned entity with a collection: a change of the collection alone updates the version only. */
@Entity
public class Doc {
    @Id
    @GeneratedValue
    Long id;
    @Version
    long version;
    String title;
    @ElementCollection
    Set<String> tags = new HashSet<>();

    public Doc() {}

    public Doc(String title) {
        this.title = title;
    }
}
