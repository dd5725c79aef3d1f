package dev.rowcast.config;

import java.time.Duration;

/** Durations ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}) and sizes ({@code 64KB}, {@code 1MB}, {@code 1MiB}). */
final class Units {

    static final String DURATION_HINT = "write a number and a unit, like 500ms, 30s, 2m or 1h";
    static final String SIZE_HINT = "write a number and a unit, like 64KB or 1MB (KB = 1000 bytes, KiB = 1024), or a number of bytes";

    private Units() {}

    /** The duration, or null when the text is not one. */
    static Duration parseDuration(String text) {
        int unitAt = digitsEnd(text);
        if (unitAt == 0 || unitAt > 15) {
            return null;
        }
        long amount = Long.parseLong(text.substring(0, unitAt));
        return switch (text.substring(unitAt)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> null;
        };
    }

    /** The shortest exact spelling: 2m rather than 120s; 1500ms stays 1500ms. */
    static String formatDuration(Duration duration) {
        long ms = duration.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The size in bytes, or -1 when the text is not one (or too large for a long). */
    static long parseSize(String text) {
        int unitAt = digitsEnd(text);
        if (unitAt == 0 || unitAt > 12) {
            return -1;
        }
        long amount = Long.parseLong(text.substring(0, unitAt));
        long unit = switch (text.substring(unitAt)) {
            case "B" -> 1;
            case "KB" -> 1_000;
            case "MB" -> 1_000_000;
            case "GB" -> 1_000_000_000;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> -1;
        };
        return unit < 0 ? -1 : amount * unit;
    }

    /** The shortest exact spelling in decimal units (1MB, 64KB), else binary ones (1MiB), else bytes. */
    static String formatSize(long bytes) {
        String[] names = {"GB", "MB", "KB", "GiB", "MiB", "KiB"};
        long[] units = {1_000_000_000, 1_000_000, 1_000, 1L << 30, 1L << 20, 1L << 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes >= units[i] && bytes % units[i] == 0) {
                return bytes / units[i] + names[i];
            }
        }
        return bytes + "B";
    }

    private static int digitsEnd(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        return i;
    }
}
