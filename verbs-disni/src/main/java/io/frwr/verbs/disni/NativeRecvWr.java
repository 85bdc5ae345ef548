package io.frwr.verbs.disni;

import java.util.List;

/** The fields of one ibv_recv_wr. */
record NativeRecvWr(long wrId, List<NativeSge> sges) {
    NativeRecvWr {
        sges = List.copyOf(sges);
    }
}
