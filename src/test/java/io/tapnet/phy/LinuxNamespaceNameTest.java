package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Argument checks that run before any system call: no root needed. */
class LinuxNamespaceNameTest {

    @Test
    void namespaceNamesAreValidated() {
        for (String bad : new String[] {"", ".", "..", "-x", "a/b", "a b", "x".repeat(65)}) {
            assertThrows(IllegalArgumentException.class, () -> LinuxNamespace.create(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> LinuxNamespace.exists(null));
    }

    @Test
    void interfaceNamesAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open("x".repeat(16), TapMode.TAP));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open("a b", TapMode.TAP));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open("a/b", TapMode.TAP));
        assertThrows(IllegalArgumentException.class, () -> TapDevice.open("tap\u00e9", TapMode.TAP));
    }

    @Test
    void macAddressesAreFormattedForIp() {
        assertEquals("02:54:4e:00:0a:ff", LinuxNamespace.formatMac(0x02_54_4e_00_0a_ffL));
        assertThrows(IllegalArgumentException.class, () -> LinuxNamespace.formatMac(1L << 48));
    }
}
