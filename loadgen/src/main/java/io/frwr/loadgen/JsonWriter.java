package io.frwr.loadgen;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small hand-written JSON writer (RFC 8259), indented by two spaces. It checks its own nesting, so a
 * report that forgets an end or names a value inside an array fails loudly instead of writing bad JSON.
 */
public final class JsonWriter {
    private enum Scope { OBJECT, ARRAY }

    private final StringBuilder out = new StringBuilder();
    private final Deque<Scope> scopes = new ArrayDeque<>();
    private final Deque<Boolean> empty = new ArrayDeque<>();
    private boolean nameWritten;
    private boolean started;

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        scopes.push(Scope.OBJECT);
        empty.push(true);
        return this;
    }

    public JsonWriter endObject() {
        return end(Scope.OBJECT, '}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        scopes.push(Scope.ARRAY);
        empty.push(true);
        return this;
    }

    public JsonWriter endArray() {
        return end(Scope.ARRAY, ']');
    }

    public JsonWriter name(String name) {
        if (scopes.peek() != Scope.OBJECT || nameWritten) {
            throw new IllegalStateException("a name belongs directly inside an object, before its value: " + name);
        }
        separate();
        quote(name, out);
        out.append(": ");
        nameWritten = true;
        return this;
    }

    public JsonWriter value(String s) {
        beforeValue();
        if (s == null) {
            out.append("null");
        } else {
            quote(s, out);
        }
        return this;
    }

    public JsonWriter value(long n) {
        beforeValue();
        out.append(n);
        return this;
    }

    /** Rounded to 3 decimals; NaN and infinities (not JSON numbers) are written as null. */
    public JsonWriter value(double d) {
        beforeValue();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else {
            out.append(BigDecimal.valueOf(d).setScale(3, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString());
        }
        return this;
    }

    public JsonWriter value(boolean b) {
        beforeValue();
        out.append(b);
        return this;
    }

    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    /** The document; every object and array must be closed. */
    public String toJson() {
        if (!scopes.isEmpty() || !started) {
            throw new IllegalStateException("JSON document is incomplete: " + scopes.size() + " scopes open");
        }
        return out + "\n";
    }

    /** Appends {@code s} as a JSON string: quotes, backslash and control characters escaped. */
    public static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Below 0x20 JSON forbids the raw character; U+2028/9 break JavaScript consumers.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    public static String quote(String s) {
        final StringBuilder sb = new StringBuilder(s.length() + 2);
        quote(s, sb);
        return sb.toString();
    }

    private void beforeValue() {
        if (scopes.peek() == Scope.OBJECT) {
            if (!nameWritten) {
                throw new IllegalStateException("a value inside an object needs a name first");
            }
            nameWritten = false;
        } else if (scopes.peek() == Scope.ARRAY) {
            separate();
        } else if (started) {
            throw new IllegalStateException("a JSON document has one top-level value");
        } else {
            started = true;
        }
    }

    private void separate() {
        if (!empty.pop()) {
            out.append(',');
        }
        empty.push(false);
        newline(scopes.size());
    }

    private JsonWriter end(Scope scope, char close) {
        if (scopes.peek() != scope || nameWritten) {
            throw new IllegalStateException("cannot close " + scope + " here");
        }
        scopes.pop();
        if (!empty.pop()) {
            newline(scopes.size());
        }
        out.append(close);
        return this;
    }

    private void newline(int depth) {
        out.append('\n');
        out.append("  ".repeat(depth));
    }
}
