package io.tapnet.cli;

import picocli.CommandLine;

/** Reports the version recorded in the jar's manifest, or "development" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"tapnet " + (v == null ? "development build" : v)};
    }
}
