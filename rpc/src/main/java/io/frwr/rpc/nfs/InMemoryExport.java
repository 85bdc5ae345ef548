package io.frwr.rpc.nfs;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A tiny NFSv3 export held in memory: a fixed set of regular files, made by {@link #addFile}, that READ and
 * WRITE act on. Thread-safe (one lock; it is a test server, not a file system). Times come from a change
 * counter rather than the clock, so runs are reproducible.
 */
public final class InMemoryExport {
    /** The shortest file handle this export makes. */
    public static final int MIN_HANDLE = 8;

    private final long fsid;
    private final int maxFileSize;
    private final Map<FileHandle, FileState> files = new HashMap<>();
    private long changes;

    /** @param maxFileSize largest size a WRITE may grow a file to; beyond it: NFS3ERR_FBIG */
    public InMemoryExport(long fsid, int maxFileSize) {
        if (maxFileSize < 0) {
            throw new IllegalArgumentException("maxFileSize must be 0..2^31-1, was " + maxFileSize);
        }
        this.fsid = fsid;
        this.maxFileSize = maxFileSize;
    }

    /** {@return the handle of a new file holding {@code content}} */
    public synchronized FileHandle addFile(byte[] handle, byte[] content) {
        if (handle.length < MIN_HANDLE || handle.length > Nfs3.FHSIZE) {
            throw new IllegalArgumentException("a file handle here is " + MIN_HANDLE + ".." + Nfs3.FHSIZE
                    + " bytes, was " + handle.length);
        }
        if (content.length > maxFileSize) {
            throw new IllegalArgumentException("file of " + content.length + " bytes exceeds maxFileSize "
                    + maxFileSize);
        }
        final FileHandle fh = new FileHandle(handle);
        if (files.containsKey(fh)) {
            throw new IllegalArgumentException("a file with handle " + fh + " exists already");
        }
        files.put(fh, new FileState(files.size() + 1L, content.clone(), ++changes));
        return fh;
    }

    /** {@return a copy of the file's bytes, for checks} */
    public synchronized byte[] contents(FileHandle fh) {
        final FileState f = files.get(fh);
        if (f == null) {
            throw new IllegalArgumentException("no file with handle " + fh);
        }
        return Arrays.copyOf(f.data, f.size);
    }

    /** {@return the file's attributes, or NFS3ERR_STALE for an unknown handle} */
    public synchronized GetattrRes getattr(GetattrArgs args) {
        final FileState f = files.get(args.object());
        return f == null ? new GetattrRes(Nfs3Status.NFS3ERR_STALE, null) : new GetattrRes(Nfs3Status.NFS3_OK,
                attrs(f));
    }

    /** {@return the bytes asked for, short at end of file} */
    public synchronized ReadRes read(ReadArgs args) {
        final FileState f = files.get(args.file());
        if (f == null) {
            return ReadRes.failure(Nfs3Status.NFS3ERR_STALE, null);
        }
        if (args.offset() < 0 || args.count() < 0 || args.count() > Nfs3.MAX_IO) {
            return ReadRes.failure(Nfs3Status.NFS3ERR_INVAL, attrs(f));
        }
        final int start = (int) Math.min(args.offset(), f.size);
        final int end = (int) Math.min((long) start + args.count(), f.size);
        final byte[] data = Arrays.copyOfRange(f.data, start, end);
        return new ReadRes(Nfs3Status.NFS3_OK, attrs(f), data.length, end == f.size, data);
    }

    /** {@return the result of writing {@code args}' data; the file grows up to maxFileSize} */
    public synchronized WriteRes write(WriteArgs args, byte[] verifier) {
        final FileState f = files.get(args.file());
        if (f == null) {
            return WriteRes.failure(Nfs3Status.NFS3ERR_STALE, WccData.NONE);
        }
        final WccAttr before = WccAttr.of(attrs(f));
        if (args.offset() < 0 || args.count() < 0 || args.count() != args.data().length) {
            return WriteRes.failure(Nfs3Status.NFS3ERR_INVAL, new WccData(before, attrs(f)));
        }
        final long end = args.offset() + args.count();
        if (end > maxFileSize) {
            return WriteRes.failure(Nfs3Status.NFS3ERR_FBIG, new WccData(before, attrs(f)));
        }
        if (end > f.data.length) {
            f.data = Arrays.copyOf(f.data, (int) end);
        }
        System.arraycopy(args.data(), 0, f.data, (int) args.offset(), args.count());
        f.size = Math.max(f.size, (int) end);
        f.change = ++changes;
        return new WriteRes(Nfs3Status.NFS3_OK, new WccData(before, attrs(f)), args.count(), StableHow.FILE_SYNC,
                verifier);
    }

    private Fattr3 attrs(FileState f) {
        final NfsTime t = new NfsTime((int) f.change, 0);
        return new Fattr3(Fattr3.NF3REG, 0644, 1, 0, 0, f.size, f.data.length, 0, 0, fsid, f.fileid, t, t, t);
    }

    /** Mutable, guarded by the export's lock. */
    private static final class FileState {
        final long fileid;
        byte[] data;
        int size;
        long change;

        FileState(long fileid, byte[] data, long change) {
            this.fileid = fileid;
            this.data = data;
            this.size = data.length;
            this.change = change;
        }
    }
}
