package io.tapnet.phy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Namespaces a root test creates, with unique names ({@code tnt-XXXXXXXX}) so that concurrent runs
 * never collide; {@link #close()} (call it from {@code @AfterEach}) deletes every one of them that
 * still exists, whatever happened in the test.
 */
final class LinuxTestNamespaces implements AutoCloseable {

    private final List<String> names = new ArrayList<>();

    /** A fresh name, remembered for cleanup. */
    String newName() {
        String name = "tnt-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
        names.add(name);
        return name;
    }

    /** Creates a namespace with a fresh name. */
    LinuxNamespace create() throws IOException {
        return LinuxNamespace.create(newName());
    }

    /** A random subnet octet for 10.9x.X.0/24 addresses inside a test's own namespace. */
    static int randomOctet() {
        return ThreadLocalRandom.current().nextInt(1, 255);
    }

    @Override
    public void close() {
        for (String name : names) {
            try {
                LinuxNamespace.deleteIfExists(name);
            } catch (IOException | RuntimeException e) {
                System.err.println("cleanup: could not delete namespace " + name + ": " + e.getMessage());
            }
        }
        names.clear();
    }
}
