package io.frwr.rpc.client;

import java.nio.ByteBuffer;

/** The one answer every Call gets; caller memory named in the call is safe to reuse once it arrives. */
public sealed interface CallResult {
    /** {@return the XID the call went out with (the same on every retransmission)} */
    int xid();

    /**
     * @param results             the procedure results (read-only), after the ONC reply header; a DDP item's
     *                            length word is here and its content in the result sink
     * @param ddpBytesWritten     bytes the responder wrote into the result sink
     * @param retransmits         times the call was resent after a reconnect
     * @param remotelyInvalidated the reply came with SEND_WITH_INV for the call's rkey
     */
    record CallSucceeded(int xid, ByteBuffer results, long ddpBytesWritten, int retransmits,
                         boolean remotelyInvalidated) implements CallResult { }

    /** The call ended without a result; {@code error} says how, and its memory is safe to reuse all the same. */
    record CallFailed(int xid, CallError error) implements CallResult {
        public CallError.Kind kind() {
            return error.kind();
        }
    }
}
