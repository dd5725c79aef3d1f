package dev.rowcast.server.engine;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One Engine.IO message payload (packet type 4), text or binary, immutable.
 *
 * <p>A message sent to many sessions is encoded once: the UTF-8 bytes of its wire form are
 * computed on first use and shared, so fan-out to N clients costs N writes, not N encodings.
 */
public final class EngineMessage {
    // For a text message at least one of text and textFrame is set; the other is derived on first use.
    private volatile String text;
    private final byte[] binary;
    private volatile byte[] textFrame;

    private EngineMessage(String text, byte[] binary) {
        this.text = text;
        this.binary = binary;
    }

    private EngineMessage(byte[] textFrame) {
        this.binary = null;
        this.textFrame = textFrame;
    }

    public static EngineMessage text(String text) {
        return new EngineMessage(Objects.requireNonNull(text, "text"), null);
    }

    /**
     * A text message from its WebSocket frame, the UTF-8 of {@code "4" + text}, as an encoder
     * that writes bytes produces it; the array is kept, not copied.
     */
    public static EngineMessage textFrame(byte[] frameUtf8) {
        if (frameUtf8.length == 0 || frameUtf8[0] != '4') {
            throw new IllegalArgumentException("a text frame starts with the message type 4");
        }
        return new EngineMessage(frameUtf8);
    }

    /** The array is kept, not copied: the caller must not change it afterwards. */
    public static EngineMessage binary(byte[] data) {
        return new EngineMessage(null, Objects.requireNonNull(data, "data"));
    }

    public boolean isBinary() {
        return binary != null;
    }

    /** The text payload; only for a text message. */
    public String text() {
        if (binary != null) throw new IllegalStateException("binary message has no text");
        String t = text;
        if (t == null) {
            byte[] frame = textFrame;
            t = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
            text = t;
        }
        return t;
    }

    /** The binary payload (not a copy); only for a binary message. */
    public byte[] binary() {
        if (binary == null) throw new IllegalStateException("text message has no binary payload");
        return binary;
    }

    /** UTF-8 of {@code "4" + text}: the WebSocket text frame and the polling packet. Shared; do not modify. */
    public byte[] textFrameUtf8() {
        byte[] frame = textFrame;
        if (frame == null) {
            frame = ("4" + text()).getBytes(StandardCharsets.UTF_8);
            textFrame = frame;
        }
        return frame;
    }

    @Override
    public String toString() {
        return isBinary() ? "EngineMessage[binary " + binary.length + " bytes]" : "EngineMessage[" + text() + "]";
    }
}
