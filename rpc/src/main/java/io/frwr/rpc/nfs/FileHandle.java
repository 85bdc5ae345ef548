package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

import java.util.Arrays;
import java.util.HexFormat;

/** RFC 1813 nfs_fh3: opaque, at most 64 bytes. */
public record FileHandle(byte[] bytes) {
    public FileHandle {
        bytes = bytes.clone();
        if (bytes.length > Nfs3.FHSIZE) {
            throw new IllegalArgumentException("a file handle is at most " + Nfs3.FHSIZE + " bytes, was "
                    + bytes.length);
        }
    }

    public void encode(XdrEncoder e) {
        e.writeOpaque(bytes);
    }

    public static FileHandle decode(XdrDecoder d, String what) throws XdrException {
        return new FileHandle(d.readOpaque(Nfs3.FHSIZE, what));
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FileHandle f && Arrays.equals(f.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "FileHandle[" + HexFormat.of().formatHex(bytes) + "]";
    }
}
