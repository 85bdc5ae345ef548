package io.frwr.verbs.disni;

import io.frwr.verbs.RdmaDevice;
import io.frwr.verbs.VerbsException;
import io.frwr.verbs.VerbsProvider;

/** {@code provider = disni}: {@link DisniProvider#open} with default options; fails with its check's message. */
public final class DisniVerbsProvider implements VerbsProvider {
    @Override
    public String name() {
        return "disni";
    }

    @Override
    public RdmaDevice open(String device) throws VerbsException {
        return DisniProvider.open(device, DisniOptions.defaults());
    }
}
