/**
 * RoCEv2 packet capture of the simulated fabric.
 *
 * <p>Attach a {@link io.frwr.capture.PcapWriter} as the fabric's {@link io.frwr.verbs.sim.WireTap} and every
 * SEND, RDMA WRITE, READ and ACK/NAK that crosses the simulated wire is written as the Ethernet/IPv4/UDP 4791
 * frames a RoCE port would show: BTH with per-connection PSNs, RETH/AETH/IETH, 4-byte padding and a valid
 * ICRC. Wireshark decodes UDP port 4791 as RoCEv2 by default, and RPC-over-RDMA, ONC RPC and NFS on top:
 * {@code tshark -r fabric.pcap -V}. Each frame's ICRC can be checked with scapy's RoCE layer.
 *
 * <p>Connection setup and teardown appear as the CM MADs a RoCE port carries on QP1 (UD SEND_ONLY with the GSI
 * DETH): REQ with the RDMA-CM IP service ID and header, REP, RTU, REJ, DREQ, DREP. Wireshark learns the QP pair
 * of each RC connection from the REQ and REP, so it matches RPC replies to their calls ("V3 GETATTR Reply (Call
 * In n)"); connections whose setup happened before the tap was attached still decode, without that pairing.
 * Fabric QP 1 is shown as QP 0xFFFF01 ({@link io.frwr.capture.FabricAddressing#wireQpn}), since QP1 is the GSI QP.
 */
package io.frwr.capture;
