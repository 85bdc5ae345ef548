package io.frwr.loadgen;

/** One checked invariant: its name, whether it held, and the numbers that show it. */
public record Invariant(String name, boolean ok, String detail) { }
