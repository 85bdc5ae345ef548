package io.frwr.capture;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Test-only XDR encoder (RFC 4506): big-endian 4-byte units, variable opaques padded to 4. */
final class Xdr {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Xdr u32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    Xdr u64(long value) {
        return u32(value >>> 32).u32(value);
    }

    Xdr opaque(byte[] bytes) {
        u32(bytes.length);
        out.writeBytes(bytes);
        for (int pad = (4 - (bytes.length & 3)) & 3; pad > 0; pad--) {
            out.write(0);
        }
        return this;
    }

    Xdr string(String s) {
        return opaque(s.getBytes(StandardCharsets.US_ASCII));
    }

    Xdr bytes(byte[] raw) {
        out.writeBytes(raw);
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }
}
