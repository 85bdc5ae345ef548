package io.frwr.loadgen;

import io.frwr.config.AcquireMode;
import io.frwr.config.RecoveryStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as picocli reads it: every option, every default, one line per refusal. */
class CliTest {
    private static LoadgenOptions parse(String... args) throws UsageException {
        return Cli.parse(Arrays.asList(args));
    }

    private static String refusal(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void noOptionsGiveTheDocumentedDefaults() throws UsageException {
        final LoadgenOptions o = parse();
        assertEquals(Duration.ofSeconds(20), o.duration());
        assertEquals(16, o.concurrency());
        assertEquals("4k:60,64k:30,1m:10", o.payload().toString());
        assertEquals(64, o.poolSize());
        assertEquals(AcquireMode.PER_CHUNK, o.acquireMode());
        assertEquals(4, o.recoveryParallelism());
        assertEquals(RecoveryStrategy.PER_MR, o.recoveryStrategy());
        assertEquals(Duration.ZERO, o.serverLatency());
        assertEquals(0.5, o.faultRate());
        assertEquals(LoadgenOptions.Provider.SIM, o.provider());
        assertEquals(FabricCosts.DEFAULT, o.fabricCosts());
        assertNull(o.json());
        assertNull(o.timeline());
        assertNull(o.plot());
        assertTrue(o.remoteInvalidation());
        assertFalse(o.verbose());
        assertEquals(LoadgenOptions.defaults(), o, "the declared defaults are LoadgenOptions.defaults()");
    }

    @Test
    void everyOptionIsReadInBothSpellings() throws UsageException {
        final LoadgenOptions o = parse("--duration", "3s", "--concurrency=4", "--payload", "4k:70,64k:25,1m:5",
                "--pool-size", "32", "--acquire-mode=batch", "--batch-size", "4", "--recovery-parallelism", "2",
                "--recovery-strategy", "rebuild-on-reconnect", "--server-latency", "200us", "--fault-rate", "2",
                "--seed", "-7", "--json", "out.json", "--pcap=cap.pcap", "--fabric-costs", "none",
                "--call-timeout", "5s", "--remote-invalidation", "off", "--verbose", "--timeline", "t.jsonl",
                "--plot=run.PNG");
        assertEquals(Duration.ofSeconds(3), o.duration());
        assertEquals(4, o.concurrency());
        assertEquals(3, o.payload().entries().size());
        assertEquals(32, o.poolSize());
        assertEquals(AcquireMode.BATCH, o.acquireMode());
        assertEquals(4, o.batchSize());
        assertEquals(2, o.recoveryParallelism());
        assertEquals(RecoveryStrategy.REBUILD_ON_RECONNECT, o.recoveryStrategy());
        assertEquals(Duration.ofNanos(200_000), o.serverLatency());
        assertEquals(2.0, o.faultRate());
        assertEquals(-7L, o.seed());
        assertEquals(Path.of("out.json"), o.json());
        assertEquals(Path.of("cap.pcap"), o.pcap());
        assertEquals(Path.of("t.jsonl"), o.timeline());
        assertEquals(Path.of("run.PNG"), o.plot());
        assertEquals("--plot=run.PNG", o.args().get(o.args().size() - 1), "the command line is kept as given");
        assertEquals(FabricCosts.NONE, o.fabricCosts());
        assertEquals(Duration.ofSeconds(5), o.callTimeout());
        assertTrue(o.verbose());
        assertFalse(o.remoteInvalidation());
        assertEquals("rebuild-on-reconnect", o.asConfig().get("recovery-strategy"));
        assertEquals("200us", o.asConfig().get("server-latency"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--duration|20|--duration '20': must be a duration in 100ms..24h with a unit (ns, us, ms, s, m, h)",
        "--duration|50ms|--duration '50ms': must be in 100ms..24h",
        "--duration|25h|--duration '25h': must be in 100ms..24h",
        "--duration|1d|--duration '1d': must be a duration in 100ms..24h with a unit (ns, us, ms, s, m, h)",
        "--concurrency|0|--concurrency '0': must be in 1..128",
        "--concurrency|129|--concurrency '129': must be in 1..128",
        "--concurrency|many|--concurrency 'many': must be a whole number in 1..128",
        "--payload|2m|--payload '2m': payload size 2m is outside 1..1m (NFS MAX_IO 1048576 bytes)",
        "--payload|4k:0|--payload '4k:0': weight in '4k:0' must be 1..1000000, was 0",
        "--payload|4x|--payload '4x': '4x' is not a size; write bytes or a number with k, m or g (4096, 4k, 1m)",
        "--payload|4k,4k|--payload '4k,4k': payload size 4k is listed twice",
        "--pool-size|0|--pool-size '0': must be in 1..65536",
        "--acquire-mode|eager|--acquire-mode 'eager': must be per-chunk or batch",
        "--batch-size|0|--batch-size '0': must be in 1..65536",
        "--recovery-parallelism|2000|--recovery-parallelism '2000': must be in 1..1024",
        "--recovery-strategy|lazy|--recovery-strategy 'lazy': must be per-mr or rebuild-on-reconnect",
        "--server-latency|11s|--server-latency '11s': must be in 0s..10s",
        "--server-latency|-1ms|--server-latency '-1ms': must be a duration in 0s..10s with a unit (ns, us, ms, s, m, h)",
        "--fault-rate|-1|--fault-rate '-1': must be in 0..1000 QP errors per second (0 = none)",
        "--fault-rate|NaN|--fault-rate 'NaN': must be in 0..1000 QP errors per second (0 = none)",
        "--fault-rate|often|--fault-rate 'often': must be a number of QP errors per second in 0..1000",
        "--seed|0x10|--seed '0x10': must be a whole number (a 64-bit seed)",
        "--provider|verbs|--provider 'verbs': must be sim or disni",
        "--role|peer|--role 'peer': must be server or client",
        "--fabric-costs|cheap|--fabric-costs 'cheap': must be none or default",
        "--call-timeout|1ms|--call-timeout '1ms': must be in 100ms..10m",
        "--remote-invalidation|yes|--remote-invalidation 'yes': must be on or off",
        "--plot|run.jpg|--plot 'run.jpg': must end in .png (the picture is a PNG)",
        "--plot|run.svg|--plot 'run.svg': must end in .png (the picture is a PNG)",
        "--timeline|' '|--timeline ' ': must be a file path",
        "--address|host|--address 'host': must be host:port ([v6]:port for IPv6)",
    })
    void everyBadValueIsNamedWithWhatIsAllowed(String option, String value, String message) {
        assertEquals(message, refusal(option, value));
    }

    @Test
    void malformedCommandLinesAreRefusedOneLineEach() {
        assertEquals("unknown option --speed (did you mean --seed?) (see ./frwr loadgen --help)",
                refusal("--speed", "9"));
        assertEquals("--duration needs a value (see --help)", refusal("--duration"));
        assertEquals("--duration needs a value (see --help)", refusal("--duration", "--verbose"));
        assertEquals("--seed is given twice", refusal("--seed", "1", "--seed=2"));
        assertEquals("unexpected argument 'fast': options start with -- (see --help)", refusal("fast"));
        assertEquals("--verbose takes no value, was given 'yes'", refusal("--verbose=yes"));
        assertEquals("--json '': must be a file path", refusal("--json="));
        assertEquals("--batch-size 16: must not exceed --pool-size 8", refusal("--pool-size", "8", "--batch-size",
                "16"));
    }

    @Test
    void disniOnlyOptionsAreRefusedWithTheSimulatedFabric() {
        assertEquals("--role is only for --provider disni", refusal("--role", "client"));
        assertEquals("--address is only for --provider disni", refusal("--address", "10.0.0.1:4791"));
        assertEquals("--device is only for --provider disni", refusal("--device", "rxe0"));
    }

    @Test
    void simulatedFabricOnlyOptionsAreRefusedWithDisni() {
        assertEquals("--pcap x.pcap: capture needs --provider sim (use tcpdump/ibdump on the NIC with disni)",
                refusal("--provider", "disni", "--pcap", "x.pcap"));
        assertEquals("--fault-rate 1.0: fault injection needs --provider sim; with disni it must be 0",
                refusal("--provider", "disni", "--fault-rate", "1"));
        assertEquals("--remote-invalidation on: a DiSNI registration cannot be invalidated remotely"
                + " (docs/disni.md); with disni it is off",
                refusal("--provider", "disni", "--remote-invalidation", "on"));
    }

    @Test
    void disniDefaultsToNoFaultsAndNeedsBothEnds() throws UsageException {
        final LoadgenOptions o = parse("--provider", "disni");
        assertEquals(0.0, o.faultRate());
        assertFalse(o.remoteInvalidation());
        assertEquals("--provider disni needs --role server|client",
                assertThrows(UsageException.class, () -> Cli.requireDisniEndpoint(o)).getMessage());
        final LoadgenOptions client = parse("--provider", "disni", "--role", "client", "--address", "10.0.0.1:4791");
        assertEquals("--role client needs --device NAME|IP (the local RDMA device, e.g. rxe0)",
                assertThrows(UsageException.class, () -> Cli.requireDisniEndpoint(client)).getMessage());
        assertEquals("--address '10.0.0.1': must be host:port ([v6]:port for IPv6)",
                refusal("--provider", "disni", "--address", "10.0.0.1"));
        assertEquals("--address '10.0.0.1:99999': port must be in 1..65535",
                refusal("--provider", "disni", "--address", "10.0.0.1:99999"));
    }

    @Test
    void helpIsFoundAnywhere() {
        assertTrue(Cli.wantsHelp(List.of("--seed", "3", "--help")));
        assertTrue(Cli.wantsHelp(List.of("-h")));
        assertFalse(Cli.wantsHelp(List.of("--seed", "3")));
    }

    @Test
    void theHelpIsGeneratedFromTheOptionsInSections() {
        final String help = Cli.loadgenUsage();
        for (String section : List.of("workload:", "transport:", "simulated fabric:", "output:", "real RDMA")) {
            assertTrue(help.contains("\n" + section), "no section " + section + ":\n" + help);
        }
        for (String option : List.of("--duration=D", "--concurrency=N", "--payload=MIX", "--server-latency=D",
                "--call-timeout=D", "--remote-invalidation=X", "--seed=N", "--pool-size=N", "--acquire-mode=M",
                "--batch-size=N", "--recovery-parallelism=N", "--recovery-strategy=S", "--fault-rate=R",
                "--fabric-costs=C", "--pcap=FILE", "--json=FILE", "--timeline=FILE", "--plot=FILE", "--verbose",
                "-h, --help", "-V, --version", "--provider=P", "--role=R", "--address=HOST:PORT",
                "--device=NAME|IP")) {
            assertEquals(1, help.split(java.util.regex.Pattern.quote(option), -1).length - 1,
                    option + " is listed once:\n" + help);
        }
        assertTrue(help.contains("(default 20s; 100ms..24h)"), "defaults come from the declarations:\n" + help);
        assertTrue(help.contains("(default 4k:60,64k:30,1m:10;"), help);
        assertTrue(help.startsWith("usage: ./frwr loadgen [options]"), help);
        assertTrue(help.contains("exit codes: 0 all invariants OK"), help);
        assertTrue(help.indexOf("--duration") < help.indexOf("--pool-size")
                && help.indexOf("--pool-size") < help.indexOf("--fault-rate")
                && help.indexOf("--fault-rate") < help.indexOf("--json")
                && help.indexOf("--json") < help.indexOf("--provider"), "sections in order:\n" + help);
        assertTrue(Cli.mainUsage().contains("loadgen   NFSv3 over RPC-over-RDMA"), Cli.mainUsage());
    }

    @Test
    void sizesAndDurationsRoundTrip() {
        assertEquals(4096, ByteSize.parse("4k"));
        assertEquals(1 << 20, ByteSize.parse("1M"));
        assertEquals(1500, ByteSize.parse("1500"));
        assertEquals("64k", ByteSize.format(65536));
        assertEquals("1500", ByteSize.format(1500));
        assertEquals(Duration.ofNanos(200_000), DurationArg.parse("200us"));
        assertEquals(Duration.ZERO, DurationArg.parse("0"));
        assertEquals("20s", DurationArg.format(Duration.ofSeconds(20)));
        assertEquals("1500ms", DurationArg.format(Duration.ofMillis(1500)));
        assertEquals(Duration.ofHours(24), DurationArg.parse("24h"));
        assertEquals("2h", DurationArg.format(Duration.ofHours(2)));
        assertThrows(IllegalArgumentException.class, () -> DurationArg.parse("5"));
    }

    @org.junit.jupiter.api.Test
    void theDefaultProviderIsTheTransportsHoconKey() throws Exception {
        System.setProperty("frwr-transport.provider", "disni");
        com.typesafe.config.ConfigFactory.invalidateCaches();
        try {
            assertEquals(LoadgenOptions.Provider.DISNI, parse("--duration", "1s").provider());
            assertEquals(LoadgenOptions.Provider.SIM, parse("--provider", "sim").provider(), "the option wins");
            System.setProperty("frwr-transport.provider", "rdma");
            com.typesafe.config.ConfigFactory.invalidateCaches();
            assertEquals("frwr-transport.provider = \"rdma\": must be one of sim, disni", refusal("--duration", "1s"));
        } finally {
            System.clearProperty("frwr-transport.provider");
            com.typesafe.config.ConfigFactory.invalidateCaches();
        }
        assertEquals(LoadgenOptions.Provider.SIM, parse("--duration", "1s").provider());
    }

    @Test
    void anUnknownOptionIsCalledUnknownWithOrWithoutAValue() {
        assertEquals("unknown option --bogus (see ./frwr loadgen --help)", refusal("--bogus"));
        assertEquals("unknown option --bogus (see ./frwr loadgen --help)", refusal("--bogus", "1"));
        assertEquals("unknown option --bogus (see ./frwr loadgen --help)", refusal("--bogus=1"));
        assertEquals("unknown option --jsn (did you mean --json?) (see ./frwr loadgen --help)",
                refusal("--jsn", "x.json"));
        assertEquals("--seed needs a value (see --help)", refusal("--seed"));
    }
}
