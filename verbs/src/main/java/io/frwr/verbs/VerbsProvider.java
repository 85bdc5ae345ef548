package io.frwr.verbs;

/**
 * A verbs provider found by name on the class path (java.util.ServiceLoader), so that configuration
 * alone ({@code frwr-transport.provider}) picks the simulated fabric or a real NIC.
 */
public interface VerbsProvider {
    /** The name configuration uses: {@code sim}, {@code disni}. */
    String name();

    /**
     * Open the local device a transport or responder runs on: for {@code sim} an endpoint name of the
     * JVM-wide fabric, for {@code disni} an RDMA device name or one of its IP addresses.
     */
    RdmaDevice open(String device) throws VerbsException;
}
