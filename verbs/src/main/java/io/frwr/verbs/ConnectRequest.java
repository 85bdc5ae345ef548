package io.frwr.verbs;

/** An incoming connection at a listener; exactly one of accept or reject must be called. */
public interface ConnectRequest {
    /** {@return the address of the side that connects} */
    String remoteAddress();

    /** {@return the private data the request carried} */
    byte[] privateData();

    /** Create the QP and complete the handshake; the handler gets Established, later Disconnected. */
    QueuePair accept(ConnectParams params, CmEventHandler handler) throws VerbsException;

    /** Refuse the connection; the other side gets Rejected with {@code privateData}. */
    void reject(byte[] privateData);
}
