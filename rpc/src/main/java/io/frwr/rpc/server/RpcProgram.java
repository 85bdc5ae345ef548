package io.frwr.rpc.server;

/**
 * An ONC RPC program served by {@link RpcRdmaResponder}. Runs inside the responder actor, so it should
 * be quick and must be thread-safe if shared between responders.
 */
@FunctionalInterface
public interface RpcProgram {
    /** {@return the reply to {@code call}; an exception is answered SYSTEM_ERR} */
    RpcReply handle(RpcCall call);
}
