package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

    @Test
    void parsesAndFormatsDottedQuads() {
        assertEquals(0x0a000001, Ipv4Address.parse("10.0.0.1"));
        assertEquals(0xc0a80101, Ipv4Address.parse("192.168.1.1"));
        assertEquals(-1, Ipv4Address.parse("255.255.255.255"));
        assertEquals(0, Ipv4Address.parse("0.0.0.0"));
        assertEquals("192.168.1.1", Ipv4Address.format(0xc0a80101));
        assertEquals("255.255.255.255", Ipv4Address.format(Ipv4Address.BROADCAST));
        Random random = new Random(791);
        for (int i = 0; i < 1000; i++) {
            int address = random.nextInt();
            assertEquals(address, Ipv4Address.parse(Ipv4Address.format(address)));
        }
    }

    @Test
    void rejectsEverythingButAStrictDottedQuad() {
        for (String bad : new String[] {"", "10.0.0", "10.0.0.1.", "10.0.0.1.2", "10.0.0.256", "10.0.0.01",
                "010.0.0.1", "10.0.0.-1", " 10.0.0.1", "10.0.0.1 ", "10..0.1", "a.b.c.d", "10.0.0.1000", "1e1.0.0.1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad), bad);
            assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(null));
    }

    @Test
    void prefixMasksCoverTheWholeRange() {
        assertEquals(0, Ipv4Address.prefixMask(0));
        assertEquals(0x80000000, Ipv4Address.prefixMask(1));
        assertEquals(0xffffff00, Ipv4Address.prefixMask(24));
        assertEquals(0xfffffffe, Ipv4Address.prefixMask(31));
        assertEquals(0xffffffff, Ipv4Address.prefixMask(32));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.prefixMask(33));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.prefixMask(-1));
    }

    @Test
    void inSubnetComparesOnlyThePrefixBits() {
        int net = Ipv4Address.parse("10.0.1.0");
        assertTrue(Ipv4Address.inSubnet(Ipv4Address.parse("10.0.1.200"), net, 24));
        assertFalse(Ipv4Address.inSubnet(Ipv4Address.parse("10.0.2.1"), net, 24));
        assertTrue(Ipv4Address.inSubnet(Ipv4Address.parse("200.1.2.3"), net, 0));
        assertFalse(Ipv4Address.inSubnet(Ipv4Address.parse("10.0.1.1"), net, 32));
        assertTrue(Ipv4Address.inSubnet(Ipv4Address.parse("10.0.1.129"), Ipv4Address.parse("10.0.1.128"), 25));
    }

    @Test
    void prefixParsesCidrAndComputesItsSubnet() {
        Ipv4Prefix p = Ipv4Prefix.parse("10.0.1.7/24");
        assertEquals(Ipv4Address.parse("10.0.1.7"), p.address());
        assertEquals(24, p.prefixLength());
        assertEquals(Ipv4Address.parse("10.0.1.0"), p.network());
        assertEquals(0xffffff00, p.mask());
        assertEquals(Ipv4Address.parse("10.0.1.255"), p.broadcast());
        assertTrue(p.contains(Ipv4Address.parse("10.0.1.1")));
        assertFalse(p.contains(Ipv4Address.parse("10.0.2.1")));
        assertEquals("10.0.1.7/24", p.toString());
        assertEquals(new Ipv4Prefix(0, 0), Ipv4Prefix.parse("0.0.0.0/0"));
        assertTrue(Ipv4Prefix.parse("0.0.0.0/0").contains(-1));
        assertEquals(-1, Ipv4Prefix.parse("0.0.0.0/0").broadcast());
        assertEquals(Ipv4Address.parse("192.168.0.9"), Ipv4Prefix.parse("192.168.0.9/32").broadcast());
    }

    @Test
    void prefixErrorsNameWhatIsWrong() {
        assertMessage("10.0.1.0", "missing \"/length\"");
        assertMessage("10.0.1.0/33", "prefix length 33 is outside 0..32");
        assertMessage("10.0.1.0/", "prefix length \"\" is not a number");
        assertMessage("10.0.1.0/2a", "prefix length \"2a\" is not a number");
        assertMessage("10.0.1.0/08", "prefix length \"08\" is not a number");
        assertMessage("10.0.1/24", "expected four dot-separated parts");
        assertMessage("10.0.1.300/24", "part 4 must be a number 0..255");
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Prefix(0, 33));
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }
}
