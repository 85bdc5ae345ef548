package io.frwr.verbs.disni;

/**
 * One ibv_reg_mr result. {@code handle} is the provider's object (DiSNI's IbvMr), opaque here so that
 * tests can fake registrations.
 */
record NativeMr(long addr, int length, int lkey, int rkey, Object handle) {
}
