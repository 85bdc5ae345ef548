package io.frwr.verbs.sim;

/** How the simulated fabric executes work. */
public enum SimMode {
    /**
     * Real time. With zero costs and no injected delay a work request executes on the thread that posts it
     * (under the fabric lock); otherwise the fabric's timer thread executes it at its due time. Connection
     * manager events are always delivered by the fabric thread.
     */
    FREE,
    /**
     * Virtual time. Nothing executes until {@link SimFabric#step()}; the order of events is a function of the
     * seed and of what was posted, so one seed gives one event order.
     */
    STEPPED
}
