package io.frwr.verbs.disni;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** Fakes of the native seams: they record calls and keep just enough state to check the rules. */
final class Fakes {
    private Fakes() {
    }

    static final class Qp implements NativeQp {
        final List<NativeSendWr> posted = new ArrayList<>();
        final List<NativeRecvWr> recvs = new ArrayList<>();
        int disconnects;
        /** The 0-based index of the native post that fails, or -1. */
        int failAtPost = -1;
        private int postCount;

        @Override
        public int qpNum() {
            return 0x42;
        }

        @Override
        public void postSend(NativeSendWr wr) throws IOException {
            if (postCount++ == failAtPost) {
                throw new IOException("ibv_post_send: ENOMEM");
            }
            posted.add(wr);
        }

        @Override
        public void postRecv(NativeRecvWr wr) {
            recvs.add(wr);
        }

        @Override
        public void disconnect() {
            disconnects++;
        }
    }

    /** ibv_reg_mr hands out rkeys it chooses; a deregistered rkey is no longer live. */
    static final class Registrar implements NativeRegistrar {
        final Map<Integer, NativeMr> live = new HashMap<>();
        int nextRkey = 0x1234_5600;
        int regCalls;

        @Override
        public NativeMr regMr(long addr, int length, int ibvAccess) {
            regCalls++;
            final int rkey = nextRkey;
            nextRkey += 0x100;
            final NativeMr mr = new NativeMr(addr, length, rkey + 1, rkey, "mr" + regCalls);
            live.put(rkey, mr);
            return mr;
        }

        @Override
        public void deregMr(NativeMr mr) throws IOException {
            if (live.remove(mr.rkey()) == null) {
                throw new IOException("no such MR");
            }
        }

        /** What a peer's RDMA READ/WRITE would find under this rkey. */
        boolean accepts(int rkey, long addr, int len) {
            final NativeMr mr = live.get(rkey);
            return mr != null && addr >= mr.addr() && addr + len <= mr.addr() + mr.length();
        }
    }

    /** The registration thread, run by hand: the test decides when an emulated WR finishes. */
    static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        void runOne() {
            final Runnable r = tasks.poll();
            if (r == null) {
                throw new AssertionError("no emulated WR is waiting on the registration thread");
            }
            r.run();
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                runOne();
            }
        }
    }
}
