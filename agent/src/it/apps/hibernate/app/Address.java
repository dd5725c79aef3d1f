package app;

import jakarta.persistence.Embeddable;

@Embeddable
public class Address {
    String city;
    String zip;

    public Address() {}

    public Address(String city, String zip) {
        this.city = city;
        this.zip = zip;
    }
}
