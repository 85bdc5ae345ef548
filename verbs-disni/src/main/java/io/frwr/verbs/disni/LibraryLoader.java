package io.frwr.verbs.disni;

/** How libdisni is loaded; a seam so that the provider check is tested without the library. */
@FunctionalInterface
public interface LibraryLoader {
    /** The JVM's own loader: {@code System.loadLibrary}. */
    LibraryLoader SYSTEM = System::loadLibrary;

    /** Throws UnsatisfiedLinkError or SecurityException when the library cannot be loaded. */
    void load(String name);
}
