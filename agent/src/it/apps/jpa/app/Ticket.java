package app;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;

@Entity
public class Ticket {

    @Id
    @GeneratedValue
    Long id;

    String subject;

    String status;

    int queue;

    protected Ticket() {}

    Ticket(String subject, int queue) {
        this.subject = subject;
        this.status = "open";
        this.queue = queue;
    }
}
