package io.frwr.verbs;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerbsProvidersTest {
    @Test
    void simOpensEndpointsOfOneJvmWideFabricByName() throws Exception {
        final RdmaDevice a = VerbsProviders.open("sim", "providers-test-a");
        assertSame(a, VerbsProviders.open("sim", "providers-test-a"), "the same name is the same endpoint");
        assertEquals("sim:providers-test-a", a.attributes().name());
    }

    @Test
    void anUnknownProviderNamesWhatIsThere() {
        final VerbsException e = assertThrows(VerbsException.class, () -> VerbsProviders.open("rdma", "x"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("no verbs provider named \"rdma\"") && e.getMessage().contains("sim"),
                e.getMessage());
        final VerbsException d = assertThrows(VerbsException.class, () -> VerbsProviders.open("disni", "x"));
        assertTrue(d.getMessage().contains("io.frwr:frwr-verbs-disni"), d.getMessage());
    }
}
