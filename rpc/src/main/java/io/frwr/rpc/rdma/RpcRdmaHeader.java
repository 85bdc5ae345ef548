package io.frwr.rpc.rdma;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The RFC 8166 transport header that precedes every RPC message on the wire.
 *
 * @param replyChunk null if none
 * @param error      the error body of an RDMA_ERROR message, null otherwise
 */
public record RpcRdmaHeader(int xid, int vers, int credits, RdmaProc proc, List<ReadSegment> readList,
                            List<WriteChunk> writeList, WriteChunk replyChunk, RdmaErrorBody error) {
    public static final int VERSION = 1;

    public RpcRdmaHeader {
        readList = List.copyOf(readList);
        writeList = List.copyOf(writeList);
        if ((proc == RdmaProc.RDMA_ERROR) != (error != null)) {
            throw new IllegalArgumentException("an error body goes with RDMA_ERROR and only with it; proc was " + proc);
        }
        if (proc == RdmaProc.RDMA_ERROR && (!readList.isEmpty() || !writeList.isEmpty() || replyChunk != null)) {
            throw new IllegalArgumentException("RDMA_ERROR carries no chunk lists");
        }
    }

    public static RpcRdmaHeader msg(int xid, int credits, List<ReadSegment> reads, List<WriteChunk> writes,
                                    WriteChunk reply) {
        return new RpcRdmaHeader(xid, VERSION, credits, RdmaProc.RDMA_MSG, reads, writes, reply, null);
    }

    public static RpcRdmaHeader noMsg(int xid, int credits, List<ReadSegment> reads, List<WriteChunk> writes,
                                      WriteChunk reply) {
        return new RpcRdmaHeader(xid, VERSION, credits, RdmaProc.RDMA_NOMSG, reads, writes, reply, null);
    }

    public static RpcRdmaHeader error(int xid, int credits, RdmaErrorBody body) {
        return new RpcRdmaHeader(xid, VERSION, credits, RdmaProc.RDMA_ERROR, List.of(), List.of(), null, body);
    }

    /** Distinct rkeys this header hands to the peer (read, write and reply chunks). */
    public Set<Integer> handles() {
        final Set<Integer> out = new LinkedHashSet<>();
        readList.forEach(r -> out.add(r.segment().handle()));
        writeList.forEach(w -> w.segments().forEach(s -> out.add(s.handle())));
        if (replyChunk != null) {
            replyChunk.segments().forEach(s -> out.add(s.handle()));
        }
        return out;
    }
}
