package io.frwr.rpc.client;

import io.frwr.rpc.oncrpc.OpaqueAuth;
import io.frwr.verbs.Segment;

/**
 * One ONC RPC call as the requester marshals it.
 *
 * @param args         XDR of the procedure arguments, without a DDP item's content (a multiple of 4 bytes)
 * @param ddpArgument  a DDP-eligible argument item in caller memory, or null
 * @param resultSink   caller memory for a DDP-eligible result (NFS READ data): offered as a write chunk; or null
 * @param maxReplySize largest RPC reply message expected (ONC reply header and results, without the content
 *                     that goes into the result sink); above the inline threshold a reply chunk is offered
 */
public record RpcCallSpec(int program, int version, int procedure, OpaqueAuth credential, byte[] args,
                          DdpArgument ddpArgument, Segment resultSink, int maxReplySize) {
    /** 16 MiB: a reply chunk no responder here accepts more than (DecodeLimits' segment length). */
    public static final int MAX_REPLY_SIZE = 1 << 24;
    /** The smallest ONC RPC reply: xid, REPLY, MSG_ACCEPTED, AUTH_NONE verifier, accept_stat. */
    public static final int MIN_REPLY_SIZE = 24;

    /** Checks the arguments' XDR alignment, the DDP position and the reply size before anything is registered. */
    public RpcCallSpec {
        if (credential == null) {
            credential = OpaqueAuth.NONE;
        }
        if (args == null) {
            throw new IllegalArgumentException("call arguments must be given (empty for none)");
        }
        if ((args.length & 3) != 0) {
            throw new IllegalArgumentException("XDR arguments are a multiple of 4 bytes, were " + args.length);
        }
        if (ddpArgument != null && (ddpArgument.position() < 4 || ddpArgument.position() > args.length)) {
            throw new IllegalArgumentException("DDP argument position must be 4.." + args.length
                    + " (after its length word, within the arguments), was " + ddpArgument.position());
        }
        if (maxReplySize < MIN_REPLY_SIZE || maxReplySize > MAX_REPLY_SIZE) {
            throw new IllegalArgumentException("maxReplySize must be " + MIN_REPLY_SIZE + ".." + MAX_REPLY_SIZE
                    + " bytes, was " + maxReplySize);
        }
    }

    /** {@return a call with AUTH_NONE, no DDP argument and no result sink} */
    public static RpcCallSpec of(int program, int version, int procedure, byte[] args, int maxReplySize) {
        return new RpcCallSpec(program, version, procedure, OpaqueAuth.NONE, args, null, null, maxReplySize);
    }

    /** {@return a copy with a DDP argument: {@code data} at {@code position}, sent in a read chunk when large} */
    public RpcCallSpec withDdpArgument(Segment data, int position) {
        return new RpcCallSpec(program, version, procedure, credential, args, new DdpArgument(data, position),
                resultSink, maxReplySize);
    }

    /** {@return a copy whose DDP result lands in {@code sink}, offered as a write chunk} */
    public RpcCallSpec withResultSink(Segment sink) {
        return new RpcCallSpec(program, version, procedure, credential, args, ddpArgument, sink, maxReplySize);
    }

    /** {@return a copy with credential {@code cred}} */
    public RpcCallSpec withCredential(OpaqueAuth cred) {
        return new RpcCallSpec(program, version, procedure, cred, args, ddpArgument, resultSink, maxReplySize);
    }

    /** Length of the arguments with the DDP item's content and padding put back. */
    public int fullArgsLength() {
        if (ddpArgument == null) {
            return args.length;
        }
        final int n = ddpArgument.data().length();
        return args.length + n + ((4 - (n & 3)) & 3);
    }
}
