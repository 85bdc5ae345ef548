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
        return find(name).open(device);
    }

    /** The provider of that name's {@link VerbsProvider#scope}; ENODEV as {@link #open} if there is none. */
    public static DeviceScope scope(String name, boolean shared) throws VerbsException {
        return find(name).scope(shared);
    }

    private static VerbsProvider find(String name) throws VerbsException {
        final List<String> known = new ArrayList<>();
        for (VerbsProvider p : ServiceLoader.load(VerbsProvider.class, VerbsProviders.class.getClassLoader())) {
            if (p.name().equals(name)) {
                return p;
            }
            known.add(p.name());
        }
        throw new VerbsException(Errno.ENODEV, "no verbs provider named \"" + name + "\" on the class path (found: "
                + String.join(", ", known) + ")" + ("disni".equals(name)
                ? "; add the dependency io.frwr:frwr-verbs-disni" : ""));
    }
}
