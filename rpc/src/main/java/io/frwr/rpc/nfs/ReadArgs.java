package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/** READ3args; {@code offset} is an unsigned 64-bit value on the wire. */
public record ReadArgs(FileHandle file, long offset, int count) {
    public byte[] encode() {
        final XdrEncoder e = XdrEncoder.allocate(16 + Nfs3.FHSIZE);
        file.encode(e);
        e.writeHyper(offset).writeInt(count);
        return e.toByteArray();
    }

    public static ReadArgs decode(XdrDecoder d) throws XdrException {
        return new ReadArgs(FileHandle.decode(d, "READ file"), d.readHyper("READ offset"),
                d.readInt("READ count"));
    }
}
