package dev.rowcast.server.protocol;

import dev.rowcast.server.engine.EngineMessage;
import java.util.List;
import java.util.Random;

/**
 * Valid Socket.IO packets and mutations of them, for fuzzing the decoder directly and over
 * real connections. Deterministic for a given Random.
 */
public final class PacketGarbage {
    private static final String[] VALID = {
            "0", "0{}", "0{\"token\":\"123\"}", "0/custom,{\"a\":[1,2]}", "0/custom", "1", "1/custom,",
            "2[\"message\",1,\"2\",{\"3\":[true]}]", "2/custom,13[\"ev\",null]", "212[\"message-with-ack\",1]",
            "3456[\"a\",{\"b\":1.5}]", "4{\"message\":\"x\"}", "51-[\"message\",{\"_placeholder\":true,\"num\":0}]",
            "62-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]", "2[42,\"n\"]",
    };
    private static final String[] FRAGMENTS = {
            "[", "]", "{", "}", ",", "\"", "-", "/", "\\", "_placeholder", "\"num\":", "1e999999", "99999999999999999999",
            "-0", "null", "true", "NaN", "connect", "\u0000", "\uD800", "😀", "/custom,", "11-", "9", "\"disconnect\"",
            "{\"_placeholder\":true,\"num\":-1}", "{\"_placeholder\":true,\"num\":5}", "\u001e", "b", "4",
    };

    private PacketGarbage() {
    }

    public static String valid(Random random) {
        return VALID[random.nextInt(VALID.length)];
    }

    /** A valid packet with a few random mutations. */
    public static String mutated(Random random) {
        StringBuilder s = new StringBuilder(valid(random));
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = s.length() == 0 ? 0 : random.nextInt(s.length() + 1);
            switch (random.nextInt(9)) {
                case 0 -> s.setLength(at); // truncate
                case 1 -> { if (at < s.length()) s.setCharAt(at, (char) random.nextInt(0x80)); } // flip a char
                case 2 -> { if (s.length() > 0) s.setCharAt(0, (char) ('0' + random.nextInt(12) - 1)); } // bogus type
                case 3 -> s.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 4 -> s.insert(Math.min(1, s.length()), random.nextInt(30) + "-"); // attachment count
                case 5 -> s.insert(Math.min(1, s.length()), "/" + randomAscii(random, random.nextInt(8)) + ","); // namespace
                case 6 -> s.insert(Math.min(1, s.length()), Long.toString(Math.abs(random.nextLong()))); // ack id
                case 7 -> { // deep JSON
                    int depth = random.nextInt(2 * PacketJson.MAX_DEPTH);
                    s.insert(at, "[".repeat(depth) + (random.nextBoolean() ? "]".repeat(depth) : ""));
                }
                default -> { if (at < s.length()) s.deleteCharAt(at); }
            }
        }
        return s.toString();
    }

    /** Anything at all, short. */
    public static String random(Random random) {
        int length = random.nextInt(40);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(4) == 0 ? FRAGMENTS[random.nextInt(FRAGMENTS.length)] : (char) (0x20 + random.nextInt(0x60)));
        }
        return s.toString();
    }

    public static String randomAscii(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) s.append((char) ('a' + random.nextInt(26)));
        return s.toString();
    }

    /** Either a text message or, sometimes, a binary one (an attachment, wanted or not). */
    public static EngineMessage message(Random random) {
        if (random.nextInt(8) == 0) {
            byte[] bytes = new byte[random.nextInt(16)];
            random.nextBytes(bytes);
            return EngineMessage.binary(bytes);
        }
        return EngineMessage.text(random.nextBoolean() ? mutated(random) : random(random));
    }

    public static List<String> validPackets() {
        return List.of(VALID);
    }
}
