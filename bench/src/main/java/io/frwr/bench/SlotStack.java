package io.frwr.bench;

/** A LIFO of MR slot numbers in an int array: no allocation after construction. Not thread-safe. */
final class SlotStack {
    private final int[] slots;
    private int top;

    private SlotStack(int capacity) {
        this.slots = new int[capacity];
    }

    /** A stack holding every slot 0..capacity-1. */
    static SlotStack full(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + capacity);
        }
        final SlotStack s = new SlotStack(capacity);
        for (int i = capacity - 1; i >= 0; i--) {
            s.push(i);
        }
        return s;
    }

    int pop() {
        return top == 0 ? -1 : slots[--top];
    }

    void push(int slot) {
        if (slot < 0 || slot >= slots.length) {
            throw new IllegalArgumentException("MR slot " + slot + " is outside [0, " + (slots.length - 1) + "]");
        }
        if (top == slots.length) {
            throw new IllegalStateException("MR slot " + slot + " released into a full pool of " + slots.length
                    + ": released twice?");
        }
        slots[top++] = slot;
    }

    int count() {
        return top;
    }

    int capacity() {
        return slots.length;
    }
}
