package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacAddressTest {

    @Test
    void readsAndWritesSixBytesAtAnAbsoluteIndex() {
        ByteBuffer b = Hex.direct("525400abcdef", 3);
        assertEquals(0x525400abcdefL, MacAddress.read(b, 3));
        MacAddress.write(b, 3, 0xfeedfacecafeL);
        assertEquals("a5a5a5feedfacecafea5", Hex.of(b, 0, 10));
        assertEquals(0, b.position());
    }

    @Test
    void formatsAndParses() {
        assertEquals("52:54:00:ab:cd:ef", MacAddress.format(0x525400abcdefL));
        assertEquals("00:00:00:00:00:01", MacAddress.format(1));
        assertEquals(0x525400abcdefL, MacAddress.parse("52:54:00:AB:cd:ef"));
        Random random = new Random(48);
        for (int i = 0; i < 1000; i++) {
            long mac = random.nextLong() & 0xffff_ffff_ffffL;
            assertEquals(mac, MacAddress.parse(MacAddress.format(mac)));
        }
    }

    @Test
    void rejectsMalformedText() {
        for (String bad : new String[] {"", "52:54:00:ab:cd", "52:54:00:ab:cd:ef:00", "52-54-00-ab-cd-ef",
                "5254.00ab.cdef", "52:54:00:ab:cd:eg", " 52:54:00:ab:cd:e", "52:54:00:ab:cd:e "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad), bad);
            assertTrue(e.getMessage().contains("52:54:00:12:34:56"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(null));
    }

    @Test
    void classifiesGroupAndBroadcastAddresses() {
        assertTrue(MacAddress.isBroadcast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isMulticast(MacAddress.BROADCAST));
        assertTrue(MacAddress.isMulticast(0x01005e000001L)); // IPv4 multicast 224.0.0.1
        assertFalse(MacAddress.isBroadcast(0x01005e000001L));
        assertFalse(MacAddress.isMulticast(0x525400123456L));
    }

    @Test
    void locallyAdministeredSetsUlAndClearsIg() {
        assertEquals(0x020000000000L, MacAddress.locallyAdministered(0));
        assertEquals(0xfeffffffffffL, MacAddress.locallyAdministered(-1L));
        assertEquals(0x021234567890L, MacAddress.locallyAdministered(0x011234567890L));
        assertFalse(MacAddress.isMulticast(MacAddress.locallyAdministered(0x0101010101010101L)));
    }
}
