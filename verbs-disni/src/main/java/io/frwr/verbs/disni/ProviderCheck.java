package io.frwr.verbs.disni;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether the DiSNI provider can run here, and if not, every missing piece with how to fix it. Checked in
 * the order an operator fixes them: device, native library, JVM flag.
 *
 * @param devices RDMA devices found under the sysfs root
 * @param missing one sentence per missing piece; empty when the provider can run
 */
public record ProviderCheck(List<String> devices, List<String> missing) {
    static final String ADD_EXPORTS = "--add-exports java.base/sun.nio.ch=ALL-UNNAMED";

    /** Copies both lists, so a check never changes after it is made. */
    public ProviderCheck {
        devices = List.copyOf(devices);
        missing = List.copyOf(missing);
    }

    /** {@return whether nothing is missing: DiSNI can run here} */
    public boolean ok() {
        return missing.isEmpty();
    }

    /** One line when ok; otherwise a numbered list of what is missing, fit for an exception or a skip reason. */
    public String message() {
        if (ok()) {
            return "DiSNI provider can run: devices " + devices;
        }
        final StringBuilder sb = new StringBuilder("DiSNI provider cannot run here (" + missing.size()
                + " missing):");
        for (int i = 0; i < missing.size(); i++) {
            sb.append(' ').append(i + 1).append(") ").append(missing.get(i));
        }
        return sb.toString();
    }

    /** Never throws and never prints: every failure becomes a sentence in {@link #missing()}. */
    static ProviderCheck run(SysfsDevices sysfs, LibraryLoader loader, boolean sunNioChExported) {
        final List<String> missing = new ArrayList<>(3);
        final List<String> devices = sysfs.devices();
        if (devices.isEmpty()) {
            missing.add("no RDMA device under " + sysfs.root() + ": for Soft-RoCE run `modprobe rdma_rxe && rdma "
                    + "link add rxe0 type rxe netdev eth0`, for SoftiWARP `modprobe siw && rdma link add siw0 type "
                    + "siw netdev eth0`, or load the NIC's RDMA driver (see docs/disni.md).");
        }
        final String libError = tryLoad(loader);
        if (libError != null) {
            final String path = libError.contains("java.library.path") ? ""
                    : "; java.library.path=" + System.getProperty("java.library.path", "");
            missing.add("libdisni is not loadable (" + libError + path + "): build libdisni from DiSNI 2.1's libdisni/ "
                    + "sources against rdma-core and start the JVM with -Djava.library.path=<dir of libdisni.so>.");
        }
        if (!sunNioChExported) {
            missing.add("the JVM was not started with " + ADD_EXPORTS + ": DiSNI reads direct buffer addresses "
                    + "through sun.nio.ch.DirectBuffer; add that flag to the java command line.");
        }
        return new ProviderCheck(devices, missing);
    }

    private static String tryLoad(LibraryLoader loader) {
        try {
            loader.load("disni");
            return null;
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
