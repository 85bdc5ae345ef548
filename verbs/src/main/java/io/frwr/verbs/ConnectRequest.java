package io.frwr.verbs;

/** An incoming connection at a listener; exactly one of accept or reject must be called. */
public interface ConnectRequest {
    String remoteAddress();

    byte[] privateData();

    /** Create the QP and complete the handshake; the handler gets Established, later Disconnected. */
    QueuePair accept(ConnectParams params, CmEventHandler handler) throws VerbsException;

    void reject(byte[] privateData);
}
