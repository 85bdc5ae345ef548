package io.frwr.verbs;

/** Access flags of a registration, as ib_access_flags: a bit set in an int. */
public final class Access {
    public static final int LOCAL_WRITE = 1;
    public static final int REMOTE_WRITE = 1 << 1;
    public static final int REMOTE_READ = 1 << 2;

    private Access() {
    }

    public static boolean allows(int flags, int wanted) {
        return (flags & wanted) == wanted;
    }

    public static String describe(int flags) {
        final StringBuilder sb = new StringBuilder();
        if ((flags & LOCAL_WRITE) != 0) sb.append("LOCAL_WRITE|");
        if ((flags & REMOTE_WRITE) != 0) sb.append("REMOTE_WRITE|");
        if ((flags & REMOTE_READ) != 0) sb.append("REMOTE_READ|");
        return sb.length() == 0 ? "NONE" : sb.substring(0, sb.length() - 1);
    }
}
