package io.frwr.actors;

/**
 * Every counter the transport keeps, declared once (id, label): the same list feeds the counters reply,
 * logs, the load generator and tests. Labels follow the Linux client's mountstats names where one exists.
 */
public enum TransportCounter {
    MRS_ALLOCATED("mrs_allocated", "MRs allocated (initial pool, recovery and replacements)"),
    MRS_RECOVERED("mrs_recovered", "MRs deregistered and reallocated by recovery"),
    MRS_ORPHANED("mrs_orphaned", "MRs recovery gave up on after its retries"),
    MRS_DESTROYED("mrs_destroyed", "MRs deregistered without replacement (shutdown, rebuild)"),
    MR_REPLACEMENTS_FAILED("mr_replacements_failed", "attempts to replace an orphaned MR that failed (retried)"),
    MRS_UNDEREGISTERED("mrs_underegistered", "MRs that could not be deregistered at all (left in a retired PD)"),
    PDS_RETIRED("pds_retired", "protection domains retired because an MR in them could not be deregistered"),
    REGISTRATIONS("registrations", "calls whose chunks were fast-registered"),
    CHUNKS_REGISTERED("chunks_registered", "FAST_REG WRs posted"),
    /** A high-water mark, not a count: how many calls the pool let hold registrations at the same time. */
    MAX_REGISTRATIONS_IN_FLIGHT("max_registrations_in_flight", "most registrations held at once"),
    NO_MR_FAILURES("no_mr_failures", "registrations refused because no MR was free (backpressure)"),
    LOCAL_INV_NEEDED("local_inv_needed", "LOCAL_INV WRs posted"),
    REMOTE_INVALIDATIONS("remote_invalidations", "MRs the responder invalidated with SEND_WITH_INV"),
    REMOTE_INVALIDATIONS_UNCONFIRMED("remote_invalidations_unconfirmed",
            "afterRemoteInvalidation for an rkey no received SEND_WITH_INV named (LOCAL_INV posted instead)"),
    BAD_REQUESTS("bad_requests", "requests refused as BAD_REQUEST"),
    FENCED_BY_RECOVERY("fenced_by_recovery", "MRs whose caller was released only after deregistration"),
    STALE_MRS_SKIPPED("stale_mrs_skipped", "MRs found not INVALID at acquire and sent to recovery"),
    POST_FAILURES("post_failures", "post_send calls that failed"),
    SENDS("sends", "SEND WRs posted"),
    RECVS("recvs", "messages received"),
    FLUSHES("flushes", "completions with WR_FLUSH_ERR"),
    WR_ERRORS("wr_errors", "completions with an error other than flush"),
    QP_ERRORS("qp_errors", "times a QP entered ERROR"),
    DRAINS("drains", "send-queue drains completed"),
    DRAIN_TIMEOUTS("drain_timeouts", "drains ended by the drain timeout"),
    CONNECTS("connects", "connections established"),
    RECONNECTS("reconnects", "connections established after the first"),
    CONNECT_FAILURES("connect_failures", "connection attempts that failed"),
    SQ_FULL_WAITS("empty_sendctx_q", "requests that waited for send-queue slots"),
    REQUESTS_PARKED("requests_parked", "requests that waited for a connection"),
    REQUESTS_EXPIRED("requests_expired", "requests that failed after waiting for a connection"),
    STALE_RELEASES_IGNORED("stale_releases_ignored", "releases of MRs a rebuild had already taken back");

    private final String label;
    private final String description;

    TransportCounter(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** {@return the stable name, as mountstats spells it where it has one} */
    public String label() {
        return label;
    }

    /** {@return one line saying what is counted} */
    public String description() {
        return description;
    }
}
