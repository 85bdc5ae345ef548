package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import org.junit.jupiter.api.Test;

import static io.frwr.verbs.disni.CmEventMapping.Action;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Event numbers are rdma-core's enum rdma_cm_event_type (and DiSNI's RdmaCmEvent.EventType order). */
class CmEventMappingTest {
    @Test
    void theConnectSequence() {
        assertEquals(Action.RESOLVE_ROUTE, CmEventMapping.actionOf(0));
        assertEquals(Action.CONNECT, CmEventMapping.actionOf(2));
        assertEquals(Action.INCOMING_REQUEST, CmEventMapping.actionOf(4));
        assertEquals(Action.ESTABLISHED, CmEventMapping.actionOf(9));
    }

    @Test
    void everyFailureEndsTheAttempt() {
        for (int event : new int[]{1, 3, 6, 7}) {
            assertEquals(Action.FAILED, CmEventMapping.actionOf(event), CmEventMapping.name(event));
        }
        assertEquals(Action.REJECTED, CmEventMapping.actionOf(8));
        assertEquals(Action.DISCONNECTED, CmEventMapping.actionOf(10));
        assertEquals(Action.DISCONNECTED, CmEventMapping.actionOf(11), "device removal breaks the connection");
        assertEquals(Action.IGNORE, CmEventMapping.actionOf(15), "TIMEWAIT_EXIT");
        assertEquals(Action.IGNORE, CmEventMapping.actionOf(99));
    }

    @Test
    void errnoOfAFailure() {
        assertEquals(Errno.ETIMEDOUT, CmEventMapping.errnoOf(1, -110), "address resolution timed out");
        assertEquals(Errno.ENODEV, CmEventMapping.errnoOf(1, -19));
        assertEquals(Errno.ENODEV, CmEventMapping.errnoOf(3, -113));
        assertEquals(Errno.ETIMEDOUT, CmEventMapping.errnoOf(7, 0), "UNREACHABLE: the peer never answered");
        assertEquals(Errno.ECONNREFUSED, CmEventMapping.errnoOf(6, -111));
        assertEquals(Errno.ECONNREFUSED, CmEventMapping.errnoOf(6, -5));
    }

    @Test
    void namesAndDescriptions() {
        assertEquals("RDMA_CM_EVENT_ADDR_ERROR", CmEventMapping.name(1));
        assertEquals("RDMA_CM_EVENT_TIMEWAIT_EXIT", CmEventMapping.name(15));
        assertEquals("rdma_cm event 42", CmEventMapping.name(42));
        assertEquals("RDMA_CM_EVENT_REJECTED (status 28)", CmEventMapping.describe(8, 28));
    }

    @Test
    void addresses() {
        assertEquals(20049, CmAddress.parse("192.0.2.10:20049").getPort());
        assertEquals("192.0.2.10", CmAddress.parse("192.0.2.10:20049").getAddress().getHostAddress());
        assertEquals(7, CmAddress.parse("[::1]:7").getPort());
        assertThrows(IllegalArgumentException.class, () -> CmAddress.parse("192.0.2.10"));
        assertThrows(IllegalArgumentException.class, () -> CmAddress.parse("::1:7"));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CmAddress.parse("192.0.2.10:70000"));
        assertEquals("port must be in 0..65535, was 70000", e.getMessage());
    }
}
