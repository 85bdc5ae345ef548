package io.frwr.verbs;

/** Work-request and completion opcodes. */
public enum Opcode {
    FAST_REG,
    LOCAL_INV,
    SEND,
    SEND_WITH_INV,
    RDMA_READ,
    RDMA_WRITE,
    RECV
}
