package io.frwr.frwr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.frwr.verbs.RKey;
import org.junit.jupiter.api.Test;

class KeyByteTest {

    @Test
    void bumpsTheKeyByteAndKeepsTheIndex() {
        assertEquals(RKey.of(0x123456, 0x42), KeyByte.bump(RKey.of(0x123456, 0x41)));
    }

    @Test
    void wrapsFromFfToZero() {
        assertEquals(RKey.of(0x123456, 0x00), KeyByte.bump(RKey.of(0x123456, 0xFF)));
    }

    @Test
    void wrapDoesNotCarryIntoTheTopIndex() {
        // Index 0xFFFFFF makes the rkey a negative int; the carry must not touch it.
        final int rkey = RKey.of(0xFF_FFFF, 0xFF);
        final int bumped = KeyByte.bump(rkey);

        assertEquals(0xFF_FFFF, RKey.index(bumped));
        assertEquals(0x00, RKey.keyByte(bumped));
    }

    @Test
    void twoHundredFiftySixBumpsComeBackToTheStart() {
        final int start = RKey.of(7, 0x80);
        int rkey = start;
        for (int i = 0; i < 256; i++) {
            rkey = KeyByte.bump(rkey);
            assertEquals(7, RKey.index(rkey));
        }
        assertEquals(start, rkey);
    }
}
