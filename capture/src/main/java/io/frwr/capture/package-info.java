/**
 * RoCEv2 packet capture of the simulated fabric.
 *
 * <p>Attach a {@link io.frwr.capture.PcapWriter} as the fabric's {@link io.frwr.verbs.sim.WireTap} and every
 * SEND, RDMA WRITE, READ and ACK/NAK that crosses the simulated wire is written as the Ethernet/IPv4/UDP 4791
 * frames a RoCE port would show: BTH with per-connection PSNs, RETH/AETH/IETH, 4-byte padding and a valid
 * ICRC. Wireshark decodes UDP port 4791 as RoCEv2 by default, and RPC-over-RDMA, ONC RPC and NFS on top:
 * {@code tshark -r fabric.pcap -V}. Each frame's ICRC can be checked with scapy's RoCE layer.
 *
 * <p>What the capture cannot show: the fabric reports no connection setup, so there are no CM MADs, and
 * Wireshark (which learns the QP pairing of an RC connection from them) does not match RPC replies to calls.
 */
package io.frwr.capture;
