package io.frwr.verbs;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds a {@link VerbsProvider} by name; the one place where configuration turns into a device. */
public final class VerbsProviders {
    private VerbsProviders() {
    }

    /** ENODEV naming the providers that are on the class path if {@code name} is not one of them. */
    public static RdmaDevice open(String name, String device) throws VerbsException {
        final List<String> known = new ArrayList<>();
        for (VerbsProvider p : ServiceLoader.load(VerbsProvider.class, VerbsProviders.class.getClassLoader())) {
            if (p.name().equals(name)) {
                return p.open(device);
            }
            known.add(p.name());
        }
        throw new VerbsException(Errno.ENODEV, "no verbs provider named \"" + name + "\" on the class path (found: "
                + String.join(", ", known) + ")" + ("disni".equals(name)
                ? "; add the dependency io.frwr:frwr-verbs-disni" : ""));
    }
}
