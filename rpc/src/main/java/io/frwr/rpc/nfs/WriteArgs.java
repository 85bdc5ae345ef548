package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/**
 * WRITE3args. The data is the DDP-eligible item: {@link #encodeHead()} ends with its length word, and a
 * requester moves the content in a read chunk whose position is where the head ends in the RPC message.
 */
public record WriteArgs(FileHandle file, long offset, int count, StableHow stable, byte[] data) {
    public byte[] encodeHead() {
        final XdrEncoder e = XdrEncoder.allocate(24 + Nfs3.FHSIZE);
        file.encode(e);
        e.writeHyper(offset).writeInt(count).writeInt(stable.ordinal()).writeInt(data.length);
        return e.toByteArray();
    }

    public byte[] encode() {
        final byte[] head = encodeHead();
        final XdrEncoder e = XdrEncoder.allocate(head.length + data.length + 3);
        e.writeOpaqueFixed(head).writeOpaqueFixed(data);
        return e.toByteArray();
    }

    public static WriteArgs decode(XdrDecoder d) throws XdrException {
        final FileHandle file = FileHandle.decode(d, "WRITE file");
        final long offset = d.readHyper("WRITE offset");
        final int count = d.readInt("WRITE count");
        final StableHow stable = StableHow.of(d.readInt("WRITE stable"), d.offset() - 4);
        return new WriteArgs(file, offset, count, stable, d.readOpaque(Nfs3.MAX_IO, "WRITE data"));
    }
}
