package io.frwr.verbs;

/** An rdma_cm-shaped connection manager: addresses are provider-specific strings (sim name, "ip:port"). */
public interface ConnectionManager {
    /** Listen at {@code address}; every incoming request goes to {@code handler} on a provider thread. */
    Listener listen(String address, java.util.function.Consumer<ConnectRequest> handler) throws VerbsException;

    /** Start connecting; the outcome (Established, Rejected or ConnectError) arrives at {@code handler}. */
    void connect(String address, ConnectParams params, CmEventHandler handler);

    /** A listening endpoint; closing it stops new requests and leaves accepted connections alone. */
    interface Listener extends AutoCloseable {
        String address();

        @Override
        void close();
    }
}
