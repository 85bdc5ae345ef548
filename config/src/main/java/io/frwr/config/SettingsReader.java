package io.frwr.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Typed reads by full key path. A value of the wrong type becomes a {@link SettingsException} naming the
 * key and the value as written; range checks are left to the records' constructors. Public so that the
 * settings of other modules (the RPC client and responder) read their keys the same way.
 */
public final class SettingsReader {
    private final Config config;

    /** Reads from {@code config} as given: resolve it and give it reference.conf as fallback first. */
    public SettingsReader(Config config) {
        this.config = config;
    }

    /** {@code on}/{@code off}, {@code true}/{@code false}, {@code yes}/{@code no}. */
    public boolean getBoolean(String key) {
        requirePresent(key);
        try {
            return config.getBoolean(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be on or off", e);
        }
    }

    /** A size in bytes: a plain number or a HOCON size such as 4KiB or 1040KiB, at most 2^31-1. */
    public int getBytes(String key) {
        requirePresent(key);
        final long n;
        try {
            n = config.getBytes(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be a size in bytes such as 4096 or 4KiB", e);
        }
        if (n > Integer.MAX_VALUE) {
            throw wrongType(key, "must be at most " + Integer.MAX_VALUE + " bytes", null);
        }
        return (int) n;
    }

    /** A string value. */
    public String getString(String key) {
        requirePresent(key);
        try {
            return config.getString(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be a string", e);
        }
    }

    /**
     * {@return the integer at {@code key}}
     * A missing key, a non-number or a fraction is a SettingsException naming the key.
     */
    public int getInt(String key) {
        requirePresent(key);
        final Number number;
        try {
            number = config.getNumber(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be an integer", e);
        }
        // getInt would silently truncate 1.5 to 1, so whole-ness is checked here.
        if (number instanceof Double d && (d != Math.rint(d) || d.isInfinite())) {
            throw wrongType(key, "must be an integer", null);
        }
        final double asDouble = number.doubleValue();
        if (asDouble < Integer.MIN_VALUE || asDouble > Integer.MAX_VALUE) {
            throw wrongType(key, "must be a 32-bit integer", null);
        }
        return number.intValue();
    }

    /** {@return the number at {@code key}; a missing key or a non-number is a SettingsException naming it} */
    public double getDouble(String key) {
        requirePresent(key);
        try {
            return config.getDouble(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be a number", e);
        }
    }

    /**
     * {@return the duration at {@code key}, in HOCON units}
     * A missing key or a bad value is a SettingsException naming the key.
     */
    public Duration getDuration(String key) {
        requirePresent(key);
        try {
            return config.getDuration(key);
        } catch (ConfigException e) {
            throw wrongType(key, "must be a duration such as 100ms, 5s or 1m", e);
        }
    }

    /** Enum constants are spelled in config as lower-case words joined by '-': PER_CHUNK is per-chunk. */
    public <E extends Enum<E>> E getEnum(String key, Class<E> type) {
        final String written = getString(key);
        final E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (configName(constant).equals(written)) {
                return constant;
            }
        }
        final StringJoiner allowed = new StringJoiner(", ");
        for (E constant : constants) {
            allowed.add(configName(constant));
        }
        throw wrongType(key, "must be one of " + allowed, null);
    }

    static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void requirePresent(String key) {
        if (config.hasPathOrNull(key)) {
            return;
        }
        // Name the real culprit when a parent on the path is not a block, e.g. mr-pool = 5.
        final List<String> parts = ConfigUtil.splitPath(key);
        for (int n = 1; n < parts.size(); n++) {
            final String parent = ConfigUtil.joinPath(parts.subList(0, n));
            if (config.hasPathOrNull(parent) && (config.getIsNull(parent)
                    || config.getValue(parent).valueType() != ConfigValueType.OBJECT)) {
                throw new SettingsException(key + " is missing: " + parent + " = " + written(parent)
                        + " must be a block of settings");
            }
        }
        throw new SettingsException(key + " is missing");
    }

    private SettingsException wrongType(String key, String allowed, ConfigException cause) {
        return new SettingsException(key + " = " + written(key) + ": " + allowed, cause);
    }

    /** The value as the user wrote it: strings quoted, numbers bare. */
    private String written(String key) {
        return config.getIsNull(key) ? "null" : config.getValue(key).render(ConfigRenderOptions.concise());
    }
}
