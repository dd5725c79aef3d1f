package app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;

/** A composite id declared with @IdClass: the id's fields are the entity's own. */
@Entity
@IdClass(StockKey.class)
public class Stock {
    @Id
    String shop;
    @Id
    String sku;
    int qty;

    public Stock() {}

    public Stock(String shop, String sku, int qty) {
        this.shop = shop;
        this.sku = sku;
        this.qty = qty;
    }
}
