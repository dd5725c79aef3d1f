package app;

import jakarta.persistence.Embeddable;
import java.io.Serializable;
import java.util.Objects;

@Embeddable
public class LineKey implements Serializable {
    long orderId;
    int lineNo;

    public LineKey() {}

    public LineKey(long orderId, int lineNo) {
        this.orderId = orderId;
        this.lineNo = lineNo;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LineKey k && k.orderId == orderId && k.lineNo == lineNo;
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, lineNo);
    }
}
