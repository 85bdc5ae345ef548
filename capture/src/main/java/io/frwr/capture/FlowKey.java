package io.frwr.capture;

/** One direction of one RC connection: requests flow from (srcEndpoint, srcQpn) to (dstEndpoint, dstQpn). */
record FlowKey(int srcEndpoint, int srcQpn, int dstEndpoint, int dstQpn) {
    FlowKey reverse() {
        return new FlowKey(dstEndpoint, dstQpn, srcEndpoint, srcQpn);
    }
}
