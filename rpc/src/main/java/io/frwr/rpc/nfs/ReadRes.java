package io.frwr.rpc.nfs;

import io.frwr.rpc.xdr.XdrDecoder;
import io.frwr.rpc.xdr.XdrEncoder;
import io.frwr.rpc.xdr.XdrException;

/**
 * READ3res. The data is the DDP-eligible item: {@link #encodeHead()} gives the results up to and including
 * the data's length word, so the content can travel in a write chunk; {@link #encode()} gives it all inline.
 */
public record ReadRes(Nfs3Status status, Fattr3 fileAttributes, int count, boolean eof, byte[] data) {
    public ReadRes {
        if (status == Nfs3Status.NFS3_OK && data == null) {
            throw new IllegalArgumentException("an NFS3_OK READ result needs data (maybe empty)");
        }
    }

    public static ReadRes failure(Nfs3Status status, Fattr3 attrs) {
        return new ReadRes(status, attrs, 0, false, null);
    }

    public byte[] encodeHead() {
        final XdrEncoder e = XdrEncoder.allocate(20 + Fattr3.ENCODED_BYTES);
        e.writeInt(status.wire());
        Fattr3.encodeOptional(e, fileAttributes);
        if (status == Nfs3Status.NFS3_OK) {
            e.writeInt(count).writeBoolean(eof).writeInt(data.length);
        }
        return e.toByteArray();
    }

    public byte[] encode() {
        final byte[] head = encodeHead();
        if (status != Nfs3Status.NFS3_OK) {
            return head;
        }
        final XdrEncoder e = XdrEncoder.allocate(head.length + data.length + 3);
        e.writeOpaqueFixed(head).writeOpaqueFixed(data);
        return e.toByteArray();
    }

    /** Decode a full inline result. */
    public static ReadRes decode(XdrDecoder d) throws XdrException {
        return decode(d, null);
    }

    /**
     * Decode a result whose data content went into a write chunk: the inline stream has the length word
     * only, and {@code chunkData} holds the bytes the responder wrote (null: the content is inline).
     */
    public static ReadRes decode(XdrDecoder d, byte[] chunkData) throws XdrException {
        final Nfs3Status status = Nfs3Status.of(d.readInt("READ status"));
        final Fattr3 attrs = Fattr3.decodeOptional(d, "READ file_attributes");
        if (status != Nfs3Status.NFS3_OK) {
            return failure(status, attrs);
        }
        final int count = d.readInt("READ count");
        final boolean eof = d.readBoolean("READ eof");
        if (chunkData == null) {
            return new ReadRes(status, attrs, count, eof, d.readOpaque(Nfs3.MAX_IO, "READ data"));
        }
        final int at = d.offset();
        final int length = d.readUnsigned("READ data length", Nfs3.MAX_IO);
        if (length != chunkData.length) {
            throw new XdrException("READ data length at offset " + at + " is " + length + " but the write chunk"
                    + " carried " + chunkData.length + " bytes");
        }
        return new ReadRes(status, attrs, count, eof, chunkData.clone());
    }
}
