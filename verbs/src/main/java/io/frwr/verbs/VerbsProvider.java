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

    /**
     * The devices of one owner, such as an ActorSystem. {@code shared} asks for the provider's JVM-wide devices
     * (as {@link #open} gives them); otherwise a provider that can give the owner a world of its own does (the
     * simulated fabric: a fabric per owner). By default, devices as {@link #open} gives them, closed with the scope.
     */
    default DeviceScope scope(boolean shared) {
        return DeviceScope.of(this);
    }
}
