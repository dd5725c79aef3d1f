package app;

import java.io.Serializable;
import java.util.Objects;

public class StockKey implements Serializable {
    String shop;
    String sku;

    public StockKey() {}

    @Override
    public boolean equals(Object o) {
        return o instanceof StockKey k && Objects.equals(k.shop, shop) && Objects.equals(k.sku, sku);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shop, sku);
    }
}
