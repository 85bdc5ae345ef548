package io.frwr.verbs.disni;

import java.io.IOException;

/** The seam over ibv_reg_mr / ibv_dereg_mr (blocking calls), so that the emulation is tested without libdisni. */
interface NativeRegistrar {
    NativeMr regMr(long addr, int length, int ibvAccess) throws IOException;

    void deregMr(NativeMr mr) throws IOException;
}
