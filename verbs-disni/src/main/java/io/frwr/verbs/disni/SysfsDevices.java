package io.frwr.verbs.disni;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code /sys/class/infiniband} says: which RDMA devices exist, and which netdev carries a device's
 * port 1 (RoCE and iWARP devices address peers by the netdev's IP). The root is injectable for tests.
 */
final class SysfsDevices {
    static final Path DEFAULT_ROOT = Path.of("/sys/class/infiniband");

    private final Path root;

    SysfsDevices(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Device names (mlx5_0, rxe0, siw0), sorted; empty when the directory is missing or unreadable. */
    List<String> devices() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            final List<String> names = new ArrayList<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** The netdev of the device's port 1 (ports/1/gid_attrs/ndevs/0), if the kernel exposes it. */
    Optional<String> netdevOf(String device) {
        final Path ndev = root.resolve(device).resolve("ports/1/gid_attrs/ndevs/0");
        try {
            final String name = Files.readString(ndev, StandardCharsets.US_ASCII).trim();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
