package app;

import jakarta.persistence.AttributeConverter;
import java.util.Objects;

/** A value object stored through an AttributeConverter as text ("EUR 1.50"); it has no toString of its own. */
public final class Price {
    final long cents;

    public Price(long cents) {
        this.cents = cents;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Price price && price.cents == cents;
    }

    @Override
    public int hashCode() {
        return Objects.hash(cents);
    }

    public static final class Converter implements AttributeConverter<Price, String> {
        @Override
        public String convertToDatabaseColumn(Price price) {
            return price == null ? null : String.format("EUR %d.%02d", price.cents / 100, price.cents % 100);
        }

        @Override
        public Price convertToEntityAttribute(String text) {
            if (text == null) {
                return null;
            }
            String[] parts = text.substring(4).split("\\.");
            return new Price(Long.parseLong(parts[0]) * 100 + Long.parseLong(parts[1]));
        }
    }
}
