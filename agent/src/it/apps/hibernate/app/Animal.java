package app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Inheritance;
import jakarta.persistence.InheritanceType;

/** The root of an entity hierarchy, each class in a table of its own. */
@Entity
@Inheritance(strategy = InheritanceType.JOINED)
public class Animal {
    @Id
    Long id;
    String name;

    public Animal() {}

    public Animal(Long id, String name) {
        this.id = id;
        this.name = name;
    }
}
