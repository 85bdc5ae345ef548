package io.frwr.loadgen;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonWriterTest {
    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\"", JsonWriter.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\"", JsonWriter.quote("\n\r\t\b\f"));
        assertEquals("\"\\u0000\\u001f\\u2028\"", JsonWriter.quote("\u0000\u001f\u2028"));
        assertEquals("\"/ é µs\"", JsonWriter.quote("/ é µs"));
    }

    @Test
    void writesNestedObjectsAndArraysWithCommasInTheRightPlaces() {
        final String json = new JsonWriter().beginObject()
                .field("ops", 12)
                .field("name", "x\"y")
                .name("latencyUs").beginObject().field("p50", 1.5).field("max", 2.0).endObject()
                .name("rows").beginArray().value(1).value("two").beginObject().endObject().endArray()
                .name("empty").beginArray().endArray()
                .field("ok", true)
                .endObject().toJson();
        assertEquals("""
                {
                  "ops": 12,
                  "name": "x\\"y",
                  "latencyUs": {
                    "p50": 1.5,
                    "max": 2
                  },
                  "rows": [
                    1,
                    "two",
                    {}
                  ],
                  "empty": [],
                  "ok": true
                }
                """, json);
    }

    @Test
    void numbersAreJsonNumbers() {
        assertEquals("[\n  0.001,\n  12345.679,\n  null,\n  null,\n  -3\n]\n", new JsonWriter().beginArray()
                .value(0.0005001).value(12345.6789).value(Double.NaN).value(Double.POSITIVE_INFINITY).value(-3)
                .endArray().toJson());
    }

    @Test
    void misuseFailsInsteadOfWritingBadJson() {
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().value(1));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginArray().name("x"));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endArray());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().toJson());
        assertThrows(IllegalStateException.class, () -> new JsonWriter().beginObject().endObject().value(1));
        assertThrows(IllegalStateException.class, () -> new JsonWriter().toJson());
    }
}
