package io.frwr.actors;

/**
 * Where every MR is. Conservation: free + registered + recovering + orphaned = allocated, at every
 * quiescent point (recovery's in-flight work counts as recovering).
 */
public record PoolOccupancy(int allocated, int free, int registered, int recovering, int orphaned) {
    /** {@return whether free + registered + recovering + orphaned = allocated (MR conservation)} */
    public boolean conserved() {
        return free + registered + recovering + orphaned == allocated;
    }

    @Override
    public String toString() {
        return "mrs{allocated=" + allocated + " free=" + free + " registered=" + registered + " recovering="
                + recovering + " orphaned=" + orphaned + "}";
    }
}
