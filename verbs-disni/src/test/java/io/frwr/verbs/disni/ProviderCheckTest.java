package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import io.frwr.verbs.VerbsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProviderCheckTest {
    private static final LibraryLoader LOADS = name -> { };
    private static final LibraryLoader MISSING = name -> {
        throw new UnsatisfiedLinkError("no " + name + " in java.library.path");
    };

    @TempDir
    Path sysfs;

    private void device(String name, String netdev) throws Exception {
        final Path ndevs = Files.createDirectories(sysfs.resolve(name).resolve("ports/1/gid_attrs/ndevs"));
        if (netdev != null) {
            Files.writeString(ndevs.resolve("0"), netdev + "\n");
        }
    }

    @Test
    void everythingPresentIsOk() throws Exception {
        device("rxe0", "eth0");
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs), LOADS, true);
        assertTrue(check.ok(), check.message());
        assertEquals(List.of("rxe0"), check.devices());
        assertTrue(check.message().contains("rxe0"));
    }

    @Test
    void everyMissingPieceIsListedInFixingOrder() {
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs.resolve("absent")), MISSING, false);
        assertFalse(check.ok());
        assertEquals(3, check.missing().size(), check.message());
        assertTrue(check.missing().get(0).contains("no RDMA device") && check.missing().get(0).contains("rdma link add"));
        assertTrue(check.missing().get(1).contains("libdisni") && check.missing().get(1).contains("java.library.path"));
        assertTrue(check.missing().get(2).contains("--add-exports java.base/sun.nio.ch=ALL-UNNAMED"));
        assertTrue(check.message().startsWith("DiSNI provider cannot run here (3 missing): 1) no RDMA device"),
                check.message());
    }

    @Test
    void anEmptyDeviceDirectoryMeansNoDevice() {
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs), LOADS, true);
        assertEquals(1, check.missing().size());
        assertTrue(check.missing().get(0).contains(sysfs.toString()));
    }

    @Test
    void onlyTheLibraryMissingNamesTheLoadError() throws Exception {
        device("mlx5_0", "ens1");
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs), MISSING, true);
        assertEquals(1, check.missing().size());
        assertTrue(check.message().contains("UnsatisfiedLinkError: no disni in java.library.path"), check.message());
    }

    @Test
    void aSecurityManagerRefusalIsReportedNotThrown() throws Exception {
        device("siw0", "eth1");
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs), name -> {
            throw new SecurityException("loadLibrary denied");
        }, true);
        assertTrue(check.message().contains("SecurityException: loadLibrary denied"), check.message());
    }

    @Test
    void onlyTheExportMissing() throws Exception {
        device("rxe0", "eth0");
        final ProviderCheck check = ProviderCheck.run(new SysfsDevices(sysfs), LOADS, false);
        assertEquals(1, check.missing().size());
        assertTrue(check.missing().get(0).contains("sun.nio.ch"));
    }

    @Test
    void theRealCheckNeverThrows() {
        final ProviderCheck check = DisniProvider.check(sysfs.resolve("none"), MISSING);
        assertFalse(check.ok());
    }

    @Test
    void aDeviceNameResolvesThroughItsNetdev() throws Exception {
        device("rxe0", "eth7");
        final InetAddress ip = InetAddress.getByName("192.0.2.10");
        final InetAddress got = DisniProvider.bindAddress("rxe0", new SysfsDevices(sysfs),
                netdev -> netdev.equals("eth7") ? Optional.of(ip) : Optional.empty());
        assertEquals(ip, got);
    }

    @Test
    void aDeviceWithoutAddressOrNetdevIsEnodev() throws Exception {
        device("rxe0", "eth7");
        device("siw0", null);
        final SysfsDevices dev = new SysfsDevices(sysfs);
        final VerbsException noIp = assertThrows(VerbsException.class,
                () -> DisniProvider.bindAddress("rxe0", dev, n -> Optional.empty()));
        assertEquals(Errno.ENODEV, noIp.errno());
        assertTrue(noIp.getMessage().contains("eth7"), noIp.getMessage());
        final VerbsException noNetdev = assertThrows(VerbsException.class,
                () -> DisniProvider.bindAddress("siw0", dev, n -> Optional.empty()));
        assertTrue(noNetdev.getMessage().contains("ndevs"), noNetdev.getMessage());
    }

    @Test
    void anUnknownNameIsEnodevAndAnIpLiteralPassesThrough() throws Exception {
        device("rxe0", "eth0");
        final SysfsDevices dev = new SysfsDevices(sysfs);
        final VerbsException e = assertThrows(VerbsException.class,
                () -> DisniProvider.bindAddress("mlx5_9", dev, n -> Optional.empty()));
        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("[rxe0]"), e.getMessage());
        assertEquals(InetAddress.getByName("192.0.2.10"), DisniProvider.bindAddress("192.0.2.10", dev,
                n -> Optional.empty()));
    }
}
