package io.frwr.invariants;

import java.util.List;

/**
 * What one owner (a registration a test holds, a call in flight) claims: the rkeys the transport handed it.
 * The checker compares holdings by identity, so give one holding per owner.
 *
 * @param owner how a violation names the owner
 * @param rkeys every rkey the owner was handed, one per MR
 */
public record Holding(String owner, List<Integer> rkeys) {
    /** Copies the rkeys, so the owner's later changes do not change what is checked. */
    public Holding {
        rkeys = List.copyOf(rkeys);
    }
}
