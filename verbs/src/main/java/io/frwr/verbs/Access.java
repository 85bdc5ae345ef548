package io.frwr.verbs;

/** Access flags of a registration, as ib_access_flags: a bit set in an int. */
public final class Access {
    /** The local side may write the memory (needed by RDMA READ responses and receives landing in it). */
    public static final int LOCAL_WRITE = 1;
    /** A peer may RDMA WRITE into the memory. */
    public static final int REMOTE_WRITE = 1 << 1;
    /** A peer may RDMA READ the memory. */
    public static final int REMOTE_READ = 1 << 2;

    private Access() {
    }

    /** {@return whether {@code flags} grant every bit of {@code wanted}} */
    public static boolean allows(int flags, int wanted) {
        return (flags & wanted) == wanted;
    }

    /** {@return the flags as their names joined by |, for messages} */
    public static String describe(int flags) {
        final StringBuilder sb = new StringBuilder();
        if ((flags & LOCAL_WRITE) != 0) sb.append("LOCAL_WRITE|");
        if ((flags & REMOTE_WRITE) != 0) sb.append("REMOTE_WRITE|");
        if ((flags & REMOTE_READ) != 0) sb.append("REMOTE_READ|");
        return sb.length() == 0 ? "NONE" : sb.substring(0, sb.length() - 1);
    }
}
