package io.frwr.verbs.disni;

import java.util.List;

/**
 * The fields of one ibv_send_wr as DiSNI's IbvSendWR takes them.
 *
 * @param wrId           our sequence number, not the caller's wr_id (see {@link SendQueueLedger})
 * @param invalidateRkey goes into the imm_data/invalidate_rkey union; 0 unless SEND_WITH_INV
 */
record NativeSendWr(long wrId, int opcode, int sendFlags, List<NativeSge> sges, long remoteAddr, int rkey,
                    int invalidateRkey) {
    NativeSendWr {
        sges = List.copyOf(sges);
    }
}
