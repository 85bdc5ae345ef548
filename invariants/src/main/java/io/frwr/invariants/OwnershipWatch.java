package io.frwr.invariants;

import io.frwr.verbs.RKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Single MR ownership as a run goes, for a requester whose registrations are only visible as the rkeys its
 * requests carry (the load generator sees calls, not {@code Registration}s).
 *
 * <h2>What counts as a claim</h2>
 * An owner (a call, by a stable id such as its XID) claims an MR when one of its requests carries an rkey of
 * that MR to the peer ({@link #carried}). The claim ends when the owner gives the rkey up, i.e. its LOCAL_INV is
 * posted ({@link #relinquished}), or when the owner ends ({@link #ended}). Giving the MR to the next owner right
 * after the LOCAL_INV is posted is the seed's design (send-queue order keeps it safe), so that is no violation.
 *
 * <h2>The violation</h2>
 * Another owner's request carries the same MR while an earlier claim is still open and that claim's rkey is
 * the same rkey or is still live: two owners could both hand a peer that memory. A claim whose rkey died
 * otherwise (remote invalidation, deregistration, a newer FAST_REG that already executed) no longer matters.
 * Thread-safe: claims come from the posting thread, ends from wherever results arrive; the probe is only asked
 * inside {@link #carried}. Keeps the first {@value ReleaseWatch#KEPT} violations and counts all.
 */
public final class OwnershipWatch {
    private record Claim(long owner, String name, int rkey) { }

    private final RkeyProbe probe;
    private final Map<Integer, Claim> byIndex = new HashMap<>();
    private final Map<Long, List<Integer>> indicesByOwner = new HashMap<>();
    private final List<Violation> kept = new ArrayList<>();
    private long claims;
    private long violations;

    /** A watch that asks {@code probe} about rkeys when a claim is made. */
    public OwnershipWatch(RkeyProbe probe) {
        this.probe = probe;
    }

    /** {@code owner}'s request (described by {@code name}) carries {@code rkey} to the peer now. */
    public synchronized void carried(long owner, String name, int rkey) {
        claims++;
        final int index = RKey.index(rkey);
        final Claim prev = byIndex.get(index);
        if (prev != null && prev.owner != owner && (prev.rkey == rkey || probe.isLive(prev.rkey))) {
            violations++;
            if (kept.size() < ReleaseWatch.KEPT) {
                kept.add(new Violation(Invariant.SINGLE_OWNERSHIP, "MR index " + index + " is held by " + prev.name
                        + " (rkey " + RKey.format(prev.rkey) + (prev.rkey == rkey ? "" : ", still live") + ") and "
                        + name + " (rkey " + RKey.format(rkey) + ")"));
            }
        }
        byIndex.put(index, new Claim(owner, name, rkey));
        indicesByOwner.computeIfAbsent(owner, o -> new ArrayList<>(2)).add(index);
    }

    /** The owner of {@code rkey} gave it up: its LOCAL_INV was posted. */
    public synchronized void relinquished(int rkey) {
        final Claim c = byIndex.get(RKey.index(rkey));
        if (c != null && c.rkey == rkey) {
            byIndex.remove(RKey.index(rkey));
        }
    }

    /** {@code owner} ended: every claim it still has ends. */
    public synchronized void ended(long owner) {
        final List<Integer> indices = indicesByOwner.remove(owner);
        if (indices == null) {
            return;
        }
        for (int index : indices) {
            final Claim c = byIndex.get(index);
            if (c != null && c.owner == owner) {
                byIndex.remove(index);
            }
        }
    }

    /** The violations kept (the first {@value ReleaseWatch#KEPT}). */
    public synchronized List<Violation> violations() {
        return List.copyOf(kept);
    }

    /** {@return how many claims named an MR another owner still held} */
    public synchronized long violationCount() {
        return violations;
    }

    /** rkeys carried (claims made). */
    public synchronized long claims() {
        return claims;
    }

    /** Owners that carried an rkey and have not ended. */
    public synchronized int openOwners() {
        return indicesByOwner.size();
    }

    /** The numbers for a report line. */
    public synchronized String summary() {
        return claims + " rkeys carried by requests checked, " + violations + " on an MR another request still held";
    }
}
