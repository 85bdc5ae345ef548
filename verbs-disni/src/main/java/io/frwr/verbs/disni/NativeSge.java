package io.frwr.verbs.disni;

/** One ibv_sge: what DiSNI's IbvSge carries. */
record NativeSge(long addr, int length, int lkey) {
}
