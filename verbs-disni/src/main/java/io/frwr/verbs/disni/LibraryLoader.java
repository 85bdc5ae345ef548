package io.frwr.verbs.disni;

/** How libdisni is loaded; a seam so that the provider check is tested without the library. */
@FunctionalInterface
public interface LibraryLoader {
    LibraryLoader SYSTEM = System::loadLibrary;

    /** Throws UnsatisfiedLinkError or SecurityException when the library cannot be loaded. */
    void load(String name);
}
