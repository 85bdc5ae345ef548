package io.frwr.loadgen;

/** The help texts of {@code ./frwr} and {@code ./frwr loadgen}. */
public final class Usage {
    public static final String MAIN = """
            usage: ./frwr <command> [options]

            commands:
              loadgen   NFSv3 over RPC-over-RDMA under load, with QP faults, MR recovery and invariant checks
                        (simulated fabric by default; ./frwr loadgen --help for its options)

            exit codes: 0 ok, 1 an invariant failed, 2 bad command line, 3 the DiSNI provider cannot run here
            """;

    public static final String LOADGEN = """
            usage: ./frwr loadgen [options]

            Runs an NFSv3 client and server over RPC-over-RDMA in one JVM on the simulated fabric: each worker
            WRITEs seeded random data to its own file region, READs it back and compares checksums, with some
            GETATTR and NULL calls. Prints a progress line per second, a perftest-style table, the transport's
            and the client's counters, and the invariant checks (exit 1 if any failed).

            workload:
              --duration D              how long workers issue calls (default 20s; 100ms..24h)
              --concurrency N           calls in flight the workers keep, one per worker (default 16; 1..128)
              --payload MIX             sizes, or size:weight pairs (default 4k:60,64k:30,1m:10; sizes 1..1m)
                                        e.g. 4k | 64k,1m | 4k:70,64k:25,1m:5
              --server-latency D        the server's storage service time per call (default 0s; 0s..10s)
              --call-timeout D          a call fails TIMEOUT after this (default 10s)
              --remote-invalidation X   on | off: RFC 8797 SEND_WITH_INV replies, or LOCAL_INV for every
                                        registration (default on; always off with disni)
              --seed N                  seeds data, payload choice, the fabric and faults (default 1)

            transport:
              --pool-size N             MRs in the pool (default 64; 1..65536)
              --acquire-mode M          per-chunk | batch (default per-chunk)
              --batch-size N            MRs reserved per call in batch mode (default 8, at most --pool-size)
              --recovery-parallelism N  MR recoveries running at once (default 4; 1..1024)
              --recovery-strategy S     per-mr | rebuild-on-reconnect (default per-mr)

            simulated fabric:
              --fault-rate R            QP errors injected per second, seeded exponential gaps (default 0.5;
                                        0 = none; 0..1000)
              --fabric-costs C          default: MR alloc/dereg 50us, FAST_REG 1us, 0.1ns/byte, wire 2us;
                                        none: everything free (default default)
              --pcap FILE               write every packet as RoCEv2 pcap (Wireshark/tshark decode NFS)

            output:
              --json FILE               write the results as JSON
              --verbose                 log akka and io.frwr at INFO (default WARN)
              --help                    this text

            real RDMA (two processes; needs an RDMA device, libdisni, and java --add-exports
            java.base/sun.nio.ch=ALL-UNNAMED, which ./frwr passes):
              --provider P              sim | disni (default sim); with disni where DiSNI cannot run, the
                                        reason is printed and the exit code is 3
              --role R                  server | client
              --address HOST:PORT       the server's RDMA address (server listens, client connects)
              --device NAME|IP          the local RDMA device (client: required; server: default HOST)

            exit codes: 0 all invariants OK, 1 an invariant failed, 2 bad option, 3 DiSNI cannot run here
            """;

    private Usage() {
    }
}
