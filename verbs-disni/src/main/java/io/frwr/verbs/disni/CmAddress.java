package io.frwr.verbs.disni;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses the SPI's "ip:port" addresses ("[v6]:port" for IPv6) into the socket address rdma_cm takes. */
final class CmAddress {
    private CmAddress() {
    }

    static InetSocketAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address must be ip:port, was empty");
        }
        final int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address must be ip:port (or [v6]:port), was '" + address + "'");
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: [" + host + "]:port, was '"
                    + address + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port of '" + address + "' is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host '" + host + "' of '" + address + "' does not resolve");
        }
    }
}
