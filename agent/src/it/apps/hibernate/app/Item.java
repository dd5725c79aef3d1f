package app;

import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import java.time.LocalDate;

@Entity
public class Item {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    String name;
    int qty;
    String secret;
    LocalDate made;
    @Convert(converter = Price.Converter.class)
    Price price;
    @ManyToOne(fetch = FetchType.LAZY)
    Owner owner;

    public Item() {}

    public Item(String name, int qty, Owner owner) {
        this.name = name;
        this.qty = qty;
        this.owner = owner;
        this.secret = "s-" + name;
        this.made = LocalDate.of(2024, 1, 2);
        this.price = new Price(150L * qty);
    }
}
