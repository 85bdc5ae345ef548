package io.frwr.capture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real Wireshark dissectors over the fixture when tshark is installed; skipped elsewhere. */
class TsharkDecodeTest {
    @TempDir
    Path dir;

    @Test
    void tsharkDecodesTheFixtureDownToNfs() throws Exception {
        final Path tshark = onPath("tshark");
        Assumptions.assumeTrue(tshark != null, "tshark is not on the PATH; install it (apt-get install tshark) "
                + "to check the capture against Wireshark's dissectors");
        final Path file = dir.resolve("fixture.pcap");
        CaptureFixture.write(file, 4096);
        // UDP 4791 decodes as RoCEv2 by default (infiniband.rroce.port), so no -d option is needed.
        final String out = run(tshark.toString(), "-r", file.toString(), "-V");

        assertTrue(out.contains("RPC over RDMA"), "RPC-over-RDMA header decoded");
        assertTrue(out.contains("Message Type: RDMA_MSG (0)"), "RDMA_MSG decoded");
        assertTrue(out.contains("Remote Procedure Call, Type:Call XID:0x5eed0001"), "ONC RPC call decoded");
        assertTrue(out.contains("Network File System, GETATTR Call"), "NFSv3 GETATTR decoded");
        assertTrue(out.contains("Remote Procedure Call, Type:Reply XID:0x5eed0001"), "ONC RPC reply decoded");
        assertTrue(out.contains("RETH - RDMA Extended Transport Header"), "RETH decoded");
        assertTrue(out.contains("DMA Length: 10000"), "RETH DMA length");
        assertTrue(out.contains("IETH - Invalidate Extended Transport Header"), "IETH decoded");
        assertTrue(out.contains("Error Code: Remote Access Error (2)"), "NAK decoded");
        assertTrue(out.contains("OpCode: RNR Nak (1)"), "RNR NAK decoded");
        assertTrue(out.contains("Pad Count: 2"), "pad count decoded");
        assertFalse(out.contains("Malformed"), "no frame is malformed");

        final String summary = run(tshark.toString(), "-r", file.toString());
        assertEquals(15, summary.lines().count());
        assertTrue(summary.lines().findFirst().orElseThrow().contains("NFS"), summary);
        assertTrue(summary.contains("RC RDMA Read Response Last"), summary);
    }

    @Test
    void tsharkPairsTheNfsReplyWithItsCallThroughTheCmExchange() throws Exception {
        final Path tshark = onPath("tshark");
        Assumptions.assumeTrue(tshark != null, "tshark is not on the PATH; install it (apt-get install tshark) "
                + "to check the CM MADs against Wireshark's dissectors");
        final Path file = dir.resolve("exchange.pcap");
        SimNfsExchange.write(file);
        final String out = run(tshark.toString(), "-r", file.toString(), "-V");
        assertTrue(out.contains("CM ConnectRequest"), "CM REQ decoded");
        assertTrue(out.contains("IP CM ServiceID"), "REQ recognised as an RDMA-CM IP REQ");
        assertTrue(out.contains("Local QPN: 0xffff01"), "REQ names the client's QP");
        assertTrue(out.contains("CM ConnectReply"), "CM REP decoded");
        assertTrue(out.contains("CM ReadyToUse"), "CM RTU decoded");
        assertTrue(out.contains("CM DisconnectRequest") && out.contains("CM DisconnectReply"), "DREQ/DREP decoded");
        assertTrue(out.contains("Network File System, GETATTR Reply"), "the reply decoded down to NFS");
        assertFalse(out.contains("Malformed"), "no frame is malformed");

        final String summary = run(tshark.toString(), "-r", file.toString());
        final String reply = summary.lines().filter(l -> l.contains("NFS") && l.contains("Reply"))
                .findFirst().orElseThrow(() -> new AssertionError("no NFS reply line in\n" + summary));
        assertTrue(reply.contains("V3 GETATTR Reply (Call In 4)"), reply);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)   // "Running as root" warnings
                .start();
        final byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "tshark hung");   // hang guard only
        assertEquals(0, process.exitValue(), "tshark exit status");
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Path onPath(String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            final Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
