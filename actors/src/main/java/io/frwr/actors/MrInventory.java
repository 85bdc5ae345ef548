package io.frwr.actors;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The MR pool's books, as plain logic: where each slot is (free, lent to a registration, in recovery,
 * orphaned) so that conservation and "never two owners" can be checked at any moment. Not thread-safe:
 * the MrPool actor owns it.
 */
final class MrInventory {
    enum Where { FREE, LENT, RECOVERING, ORPHANED, DESTROYED }

    private final ArrayDeque<PooledMr> free = new ArrayDeque<>();
    private final List<PooledMr> slots = new ArrayList<>();
    private final List<Where> where = new ArrayList<>();
    private int lent;
    private int recovering;
    private int orphaned;
    private int destroyed;

    PooledMr add(io.frwr.verbs.FastRegMr mr, io.frwr.verbs.ProtectionDomain pd, int pdGeneration) {
        final PooledMr p = new PooledMr(slots.size(), mr, pd, pdGeneration);
        slots.add(p);
        where.add(Where.FREE);
        free.addLast(p);
        return p;
    }

    /** Next free slot (FIFO, so one MR's key byte does not wrap faster than the others'), or null. */
    PooledMr pollFree() {
        final PooledMr p = free.pollFirst();
        if (p != null) {
            move(p, Where.FREE, Where.LENT);
        }
        return p;
    }

    /** A lent MR comes back; false (and no change) if it was not lent, so a stale release cannot double-own. */
    boolean release(PooledMr p, int generation) {
        if (where.get(p.slot()) != Where.LENT || p.generation() != generation) {
            return false;
        }
        move(p, Where.LENT, Where.FREE);
        free.addLast(p);
        return true;
    }

    /** A lent or free MR goes to recovery. */
    boolean toRecovery(PooledMr p) {
        final Where w = where.get(p.slot());
        if (w == Where.FREE) {
            free.remove(p);
        } else if (w != Where.LENT) {
            return false;
        }
        move(p, w, Where.RECOVERING);
        return true;
    }

    void recovered(PooledMr p) {
        move(p, Where.RECOVERING, Where.FREE);
        free.addLast(p);
    }

    void orphaned(PooledMr p) {
        move(p, Where.RECOVERING, Where.ORPHANED);
    }

    /** A recovering MR was deregistered for good (shutdown). */
    void destroyed(PooledMr p) {
        move(p, Where.RECOVERING, Where.DESTROYED);
    }

    /** An orphan that shutdown managed to deregister after all. */
    void destroyedOrphan(PooledMr p) {
        move(p, Where.ORPHANED, Where.DESTROYED);
    }

    /** Every slot, wherever it is. */
    List<PooledMr> allSlots() {
        return List.copyOf(slots);
    }

    List<PooledMr> orphanedSlots() {
        final List<PooledMr> out = new ArrayList<>();
        for (PooledMr p : slots) {
            if (where.get(p.slot()) == Where.ORPHANED) {
                out.add(p);
            }
        }
        return out;
    }

    /** Free slots, for eager recovery or shutdown; they stay free until moved. */
    List<PooledMr> freeSlots() {
        return new ArrayList<>(free);
    }

    List<PooledMr> lentSlots() {
        final List<PooledMr> out = new ArrayList<>();
        for (PooledMr p : slots) {
            if (where.get(p.slot()) == Where.LENT) {
                out.add(p);
            }
        }
        return out;
    }

    Where where(PooledMr p) {
        return where.get(p.slot());
    }

    MrAudit audit() {
        final List<MrAudit.Slot> out = new ArrayList<>(slots.size());
        for (PooledMr p : slots) {
            final io.frwr.verbs.FastRegMr mr = p.mr();
            final MrAudit.Where w = switch (where.get(p.slot())) {
                case FREE -> MrAudit.Where.FREE;
                case LENT -> MrAudit.Where.REGISTERED;
                case RECOVERING -> MrAudit.Where.RECOVERING;
                case ORPHANED -> MrAudit.Where.ORPHANED;
                case DESTROYED -> MrAudit.Where.DESTROYED;
            };
            out.add(new MrAudit.Slot(p.slot(), w, p.state(), p.generation(), mr == null ? -1 : mr.rkey() & 0xFFFF_FFFFL));
        }
        return new MrAudit(occupancy(), List.copyOf(out));
    }

    int freeCount() {
        return free.size();
    }

    PoolOccupancy occupancy() {
        return new PoolOccupancy(slots.size() - destroyed, free.size(), lent, recovering, orphaned);
    }

    private void move(PooledMr p, Where from, Where to) {
        final Where now = where.get(p.slot());
        if (now != from) {
            throw new IllegalStateException(p + " is " + now + ", expected " + from + " before moving it to " + to);
        }
        where.set(p.slot(), to);
        count(from, -1);
        count(to, +1);
    }

    private void count(Where w, int d) {
        switch (w) {
            case LENT -> lent += d;
            case RECOVERING -> recovering += d;
            case ORPHANED -> orphaned += d;
            case DESTROYED -> destroyed += d;
            case FREE -> { }
        }
    }
}
