package io.frwr.actors;

/** One MR of a registration: the slot, the generation it was mapped in, and the rkey installed. */
record MappedMr(PooledMr mr, int generation, int rkey) {
}
