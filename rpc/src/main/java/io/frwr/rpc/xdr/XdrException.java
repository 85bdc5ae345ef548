package io.frwr.rpc.xdr;

/** Malformed or truncated XDR: the message names the item being read and its offset in the stream. */
public class XdrException extends Exception {
    private static final long serialVersionUID = 1L;

    public XdrException(String message) {
        super(message);
    }
}
