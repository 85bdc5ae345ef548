package io.frwr.config;

import java.time.Duration;

/**
 * Range checks run by the settings records' constructors, so a record built in code is held to the same
 * rules as one read from config. Each check names the full key path, the value and what is allowed.
 */
final class SettingCheck {
    private SettingCheck() {
    }

    static <T> T present(String key, T value) {
        if (value == null) {
            throw new SettingsException(key + " is missing");
        }
        return value;
    }

    static int between(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new SettingsException(key + " = " + value + ": must be between " + min + " and " + max);
        }
        return value;
    }

    /** For an upper bound set by another key, e.g. batch-size by size. */
    static int between(String key, int value, int min, String maxKey, int max) {
        if (value < min || value > max) {
            throw new SettingsException(key + " = " + value + ": must be between " + min + " and " + maxKey
                    + " (" + max + ")");
        }
        return value;
    }

    static double between(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new SettingsException(key + " = " + value + ": must be between " + min + " and " + max);
        }
        return value;
    }

    static Duration positive(String key, Duration value) {
        present(key, value);
        if (value.isNegative() || value.isZero()) {
            throw new SettingsException(key + " = " + DurationText.of(value) + ": must be greater than 0s");
        }
        return value;
    }

    static Duration notNegative(String key, Duration value) {
        present(key, value);
        if (value.isNegative()) {
            throw new SettingsException(key + " = " + DurationText.of(value) + ": must not be negative");
        }
        return value;
    }

    /** A min/max pair: min must not exceed max; {@code maxKey} is the sibling's short name. */
    static void notAbove(String minKey, Duration min, String maxKey, Duration max) {
        if (min.compareTo(max) > 0) {
            throw new SettingsException(minKey + " = " + DurationText.of(min) + ": must not exceed " + maxKey
                    + " (" + DurationText.of(max) + ")");
        }
    }
}
