package io.frwr.rpc.client;

import io.frwr.verbs.Segment;

/**
 * A DDP-eligible argument item (RFC 8166 3.4), such as NFS WRITE data, left in caller memory.
 *
 * @param data     the item's content (without XDR padding); the caller must not touch it until the result
 * @param position where the content belongs in the call's XDR arguments: the arguments end with the item's
 *                 length word at {@code position - 4}, and the content (with its padding) goes right there
 */
public record DdpArgument(Segment data, int position) {
    public DdpArgument {
        if (data == null) {
            throw new IllegalArgumentException("a DDP argument needs its data segment");
        }
        if (position < 0 || (position & 3) != 0) {
            throw new IllegalArgumentException("DDP argument position must be a non-negative multiple of 4, was "
                    + position);
        }
    }
}
