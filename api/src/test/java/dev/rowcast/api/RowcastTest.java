package dev.rowcast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RowcastTest {

    @Test
    void emitWithoutTheAgentIsANoOp() {
        assertThat(Rowcast.isActive()).isFalse();
        assertThat(Rowcast.to("chat:1").emit("typing", Map.of("user", 7))).isFalse();
    }

    @Test
    void nullEventOrRoomIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Rowcast.to(null)).hasMessageContaining("room must not be null");
        assertThatThrownBy(() -> Rowcast.to("r").emit(null, 1)).hasMessageContaining("event must not be null");
    }
}
