package io.tapnet.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ParseStatusTest {

    @Test
    void parseStatusNamesItsConstants() {
        assertEquals("OK", ParseStatus.name(ParseStatus.OK));
        assertEquals("TRUNCATED", ParseStatus.name(ParseStatus.TRUNCATED));
        assertEquals("BAD_CHECKSUM", ParseStatus.name(ParseStatus.BAD_CHECKSUM));
        assertEquals("ILLEGAL", ParseStatus.name(ParseStatus.ILLEGAL));
        assertEquals("UNSUPPORTED", ParseStatus.name(ParseStatus.UNSUPPORTED));
        assertEquals("UNKNOWN(9)", ParseStatus.name(9));
        assertEquals(5, ParseStatus.COUNT);
    }
}
