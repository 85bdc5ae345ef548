package io.frwr.rpc.nfs;

/** RFC 1813 program numbers and limits used here. */
public final class Nfs3 {
    public static final int PROGRAM = 100003;
    public static final int VERSION = 3;
    public static final int PROC_NULL = 0;
    public static final int PROC_GETATTR = 1;
    public static final int PROC_READ = 6;
    public static final int PROC_WRITE = 7;
    /** NFS3_FHSIZE. */
    public static final int FHSIZE = 64;
    /** Largest READ or WRITE this implementation accepts, in bytes. */
    public static final int MAX_IO = 1 << 20;

    private Nfs3() {
    }
}
