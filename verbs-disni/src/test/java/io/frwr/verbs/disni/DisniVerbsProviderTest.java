package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.VerbsProviders;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class DisniVerbsProviderTest {
    @Test
    void configurationAloneSelectsDisniAndWhereItCannotRunTheCheckSaysWhy() {
        final ProviderCheck check = DisniProvider.check();
        assumeFalse(check.ok(), "this machine can run DiSNI; the refusal path is not reachable here");
        final VerbsException e = assertThrows(VerbsException.class, () -> VerbsProviders.open("disni", "rxe0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains(check.message()), e.getMessage());
    }
}
