package app;

import jakarta.persistence.Entity;

/** A subclass entity: a collection that names Animal takes its rows. */
@Entity
public class Dog extends Animal {
    String breed;

    public Dog() {}

    public Dog(Long id, String name, String breed) {
        super(id, name);
        this.breed = breed;
    }
}
