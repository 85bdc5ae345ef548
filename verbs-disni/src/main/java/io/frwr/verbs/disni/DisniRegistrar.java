package io.frwr.verbs.disni;

import com.ibm.disni.verbs.IbvMr;
import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.SVCRegMr;

import java.io.IOException;

/** {@link NativeRegistrar} over DiSNI's IbvPd.regMr / IbvMr.deregMr. Needs libdisni; not unit tested. */
final class DisniRegistrar implements NativeRegistrar {
    private final IbvPd pd;

    DisniRegistrar(IbvPd pd) {
        this.pd = pd;
    }

    @Override
    public NativeMr regMr(long addr, int length, int ibvAccess) throws IOException {
        final SVCRegMr call = pd.regMr(addr, length, ibvAccess);
        try {
            final IbvMr mr = call.execute().getMr();
            return new NativeMr(mr.getAddr(), mr.getLength(), mr.getLkey(), mr.getRkey(), mr);
        } finally {
            call.free();
        }
    }

    @Override
    public void deregMr(NativeMr mr) throws IOException {
        ((IbvMr) mr.handle()).deregMr().execute().free();
    }
}
