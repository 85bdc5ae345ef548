package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;

/**
 * rdma_cm event numbers (enum rdma_cm_event_type in rdma-core's rdma_cma.h, the order of DiSNI's
 * RdmaCmEvent.EventType) to what the connection manager does next. Pure: tested everywhere.
 */
final class CmEventMapping {
    static final int ADDR_RESOLVED = 0;
    static final int ADDR_ERROR = 1;
    static final int ROUTE_RESOLVED = 2;
    static final int ROUTE_ERROR = 3;
    static final int CONNECT_REQUEST = 4;
    static final int CONNECT_RESPONSE = 5;
    static final int CONNECT_ERROR = 6;
    static final int UNREACHABLE = 7;
    static final int REJECTED = 8;
    static final int ESTABLISHED = 9;
    static final int DISCONNECTED = 10;
    static final int DEVICE_REMOVAL = 11;
    static final int TIMEWAIT_EXIT = 15;

    private static final String[] NAMES = {"ADDR_RESOLVED", "ADDR_ERROR", "ROUTE_RESOLVED", "ROUTE_ERROR",
            "CONNECT_REQUEST", "CONNECT_RESPONSE", "CONNECT_ERROR", "UNREACHABLE", "REJECTED", "ESTABLISHED",
            "DISCONNECTED", "DEVICE_REMOVAL", "MULTICAST_JOIN", "MULTICAST_ERROR", "ADDR_CHANGE", "TIMEWAIT_EXIT"};

    // Linux errno values as rdma_cm reports them in event->status (negated)
    private static final int ETIMEDOUT = 110;
    private static final int ECONNREFUSED = 111;
    private static final int ENETUNREACH = 101;
    private static final int EHOSTUNREACH = 113;

    /** What one event means for a connection attempt or an established connection. */
    enum Action {
        RESOLVE_ROUTE, CONNECT, INCOMING_REQUEST, ESTABLISHED, REJECTED, FAILED, DISCONNECTED, IGNORE
    }

    private CmEventMapping() {
    }

    static Action actionOf(int event) {
        return switch (event) {
            case ADDR_RESOLVED -> Action.RESOLVE_ROUTE;
            case ROUTE_RESOLVED -> Action.CONNECT;
            case CONNECT_REQUEST -> Action.INCOMING_REQUEST;
            // CONNECT_RESPONSE only occurs for ids without a QP; ours always have one, so treat it as ESTABLISHED
            case ESTABLISHED, CONNECT_RESPONSE -> Action.ESTABLISHED;
            case REJECTED -> Action.REJECTED;
            case ADDR_ERROR, ROUTE_ERROR, CONNECT_ERROR, UNREACHABLE -> Action.FAILED;
            case DISCONNECTED, DEVICE_REMOVAL -> Action.DISCONNECTED;
            default -> Action.IGNORE;
        };
    }

    /** The errno a FAILED event ends the attempt with: timeouts are ETIMEDOUT, refusals ECONNREFUSED. */
    static Errno errnoOf(int event, int status) {
        final int errno = Math.abs(status);
        if (event == UNREACHABLE || errno == ETIMEDOUT) {
            return Errno.ETIMEDOUT;
        }
        if (errno == ECONNREFUSED || event == CONNECT_ERROR) {
            return Errno.ECONNREFUSED;
        }
        if (errno == ENETUNREACH || errno == EHOSTUNREACH || event == ADDR_ERROR || event == ROUTE_ERROR) {
            // no local RDMA device reaches the address, or no route to it
            return Errno.ENODEV;
        }
        return Errno.ENOTCONN;
    }

    static String name(int event) {
        return event >= 0 && event < NAMES.length ? "RDMA_CM_EVENT_" + NAMES[event] : "rdma_cm event " + event;
    }

    /** "RDMA_CM_EVENT_ADDR_ERROR (status -110)": what the logs and the ConnectError reason say. */
    static String describe(int event, int status) {
        return name(event) + " (status " + status + ")";
    }
}
