package io.frwr.verbs.disni;

import io.frwr.verbs.Errno;
import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Entry point of the DiSNI verbs provider: {@link #check()} says whether it can run here and what is
 * missing; {@link #open} opens a device by name (rxe0, mlx5_0) or by an IP address of its netdev.
 */
public final class DisniProvider {
    private DisniProvider() {
    }

    /** Never throws, never prints: a device under /sys/class/infiniband, libdisni, the JVM export flag. */
    public static ProviderCheck check() {
        return check(SysfsDevices.DEFAULT_ROOT, LibraryLoader.SYSTEM);
    }

    /** The same check with the sysfs root and the library loader injected (tests). */
    public static ProviderCheck check(java.nio.file.Path sysfsRoot, LibraryLoader loader) {
        return ProviderCheck.run(new SysfsDevices(sysfsRoot), loader, sunNioChExported());
    }

    /**
     * @param deviceOrIp a device name listed under /sys/class/infiniband, or an IP address of an RDMA netdev
     * @throws VerbsException ENODEV naming every missing piece, or when the name resolves to no device
     */
    public static RdmaDevice open(String deviceOrIp, DisniOptions options) throws VerbsException {
        final ProviderCheck check = check();
        if (!check.ok()) {
            throw new VerbsException(Errno.ENODEV, check.message());
        }
        return DisniDevice.open(deviceOrIp, bindAddress(deviceOrIp), options);
    }

    /** The address rdma_cm binds to for {@code deviceOrIp}, from the real sysfs and interfaces. */
    static InetAddress bindAddress(String deviceOrIp) throws VerbsException {
        return bindAddress(deviceOrIp, new SysfsDevices(SysfsDevices.DEFAULT_ROOT), DisniProvider::netdevAddress);
    }

    /**
     * A device name becomes the first IPv4 (else any) address of its port-1 netdev; anything else must be an
     * IP literal. rdma_cm can only find a device through such an address.
     */
    static InetAddress bindAddress(String deviceOrIp, SysfsDevices sysfs,
                                   Function<String, Optional<InetAddress>> netdevAddress) throws VerbsException {
        if (deviceOrIp == null || deviceOrIp.isBlank()) {
            throw new VerbsException(Errno.EINVAL, "device name or IP address is empty");
        }
        final List<String> devices = sysfs.devices();
        if (devices.contains(deviceOrIp)) {
            final String netdev = sysfs.netdevOf(deviceOrIp).orElseThrow(() -> new VerbsException(Errno.ENODEV,
                    "device " + deviceOrIp + " has no netdev under " + sysfs.root().resolve(deviceOrIp)
                            + "/ports/1/gid_attrs/ndevs/0; pass the IP address of its interface instead"));
            return netdevAddress.apply(netdev).orElseThrow(() -> new VerbsException(Errno.ENODEV, "netdev " + netdev
                    + " of device " + deviceOrIp + " has no IP address; rdma_cm needs one (ip addr add ...)"));
        }
        if (!looksLikeIpLiteral(deviceOrIp)) {
            throw new VerbsException(Errno.ENODEV, "'" + deviceOrIp + "' is neither a device under " + sysfs.root()
                    + " (found " + devices + ") nor an IP address");
        }
        try {
            return InetAddress.getByName(deviceOrIp);
        } catch (UnknownHostException e) {
            throw new VerbsException(Errno.EINVAL, "'" + deviceOrIp + "' is not a valid IP address");
        }
    }

    static boolean looksLikeIpLiteral(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static Optional<InetAddress> netdevAddress(String netdev) {
        try {
            final NetworkInterface nif = NetworkInterface.getByName(netdev);
            if (nif == null) {
                return Optional.empty();
            }
            final List<InetAddress> addrs = Collections.list(nif.getInetAddresses());
            return addrs.stream().filter(a -> a instanceof Inet4Address).findFirst()
                    .or(() -> addrs.stream().findFirst());
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    /** DiSNI reads buffer addresses through sun.nio.ch.DirectBuffer, which needs this export. */
    static boolean sunNioChExported() {
        return Object.class.getModule().isExported("sun.nio.ch", DisniProvider.class.getModule());
    }
}
