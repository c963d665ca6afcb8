package io.tapnet.topology;

/**
 * Strict text forms of the addresses a topology file contains: IPv4 dotted quads, CIDR prefixes and
 * Ethernet MAC addresses.
 *
 * <p>Strict means one spelling per value: four decimal octets without leading zeros (so {@code 010}
 * cannot be read as octal by one tool and decimal by another), no spaces, no shortened forms. Every
 * failure is an {@link IllegalArgumentException} whose message quotes the input, says what is wrong
 * and shows a correct example, because it ends up in front of a person editing a YAML file.
 *
 * <p>The topology package keeps its own parser rather than using {@code io.tapnet.wire} so that the
 * model and its error messages do not depend on the packet layer.
 */
public final class AddressSyntax {

    private static final String IPV4_EXAMPLE = "four numbers 0..255 separated by dots, e.g. 10.0.1.10";
    private static final String CIDR_EXAMPLE = "A.B.C.D/len, e.g. 10.0.1.10/24";
    private static final String MAC_EXAMPLE = "six two-digit hex bytes separated by ':', e.g. 02:00:00:00:00:01";

    private AddressSyntax() {
    }

    /** Parses a dotted quad such as {@code 10.0.1.10} into an int, most significant octet first. */
    public static int parseIpv4(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty IPv4 address; expected " + IPV4_EXAMPLE);
        }
        if (text.indexOf('/') >= 0) {
            throw new IllegalArgumentException("'" + text + "' is a prefix, but a plain address is expected here;"
                    + " write " + text.substring(0, text.indexOf('/')));
        }
        try {
            return octets(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address: " + e.getMessage()
                    + "; expected " + IPV4_EXAMPLE);
        }
    }

    /** Formats an address as a dotted quad. */
    public static String formatIpv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /**
     * Parses {@code A.B.C.D/len}. The address keeps its host bits: {@code 10.0.1.10/24} is an interface
     * address, {@code 10.0.1.0/24} a network; callers decide which they want.
     */
    public static Cidr parseCidr(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty prefix; expected " + CIDR_EXAMPLE);
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            String hint = looksLikeIpv4(text) ? "write it in CIDR form, e.g. " + text + "/24" : "expected " + CIDR_EXAMPLE;
            throw new IllegalArgumentException("'" + text + "' has no prefix length; " + hint);
        }
        int address;
        try {
            address = octets(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid address: " + e.getMessage()
                    + "; expected " + CIDR_EXAMPLE);
        }
        String length = text.substring(slash + 1);
        if (!isDecimal(length)) {
            throw new IllegalArgumentException("'" + text + "': prefix length '" + length
                    + "' is not a number 0..32; expected " + CIDR_EXAMPLE);
        }
        if (length.length() > 1 && length.charAt(0) == '0') {
            throw new IllegalArgumentException("'" + text + "': prefix length '" + length
                    + "' has a leading zero; write " + text.substring(0, slash + 1) + length.replaceFirst("^0+(?=.)", ""));
        }
        if (length.length() > 2 || Integer.parseInt(length) > 32) {
            throw new IllegalArgumentException("'" + text + "': prefix length " + length
                    + " is out of range 0..32; expected " + CIDR_EXAMPLE);
        }
        int prefixLength = Integer.parseInt(length);
        return new Cidr(address, prefixLength);
    }

    /**
     * Parses an Ethernet address, {@code aa:bb:cc:dd:ee:ff} (or with {@code -} between the bytes), into
     * the low 48 bits of a long.
     */
    public static long parseMac(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty MAC address; expected " + MAC_EXAMPLE);
        }
        if (text.length() != 17) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address; expected " + MAC_EXAMPLE);
        }
        char separator = text.charAt(2);
        if (separator != ':' && separator != '-') {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address; expected " + MAC_EXAMPLE);
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            int high = Character.digit(text.charAt(at), 16);
            int low = Character.digit(text.charAt(at + 1), 16);
            boolean separatorOk = i == 5 || text.charAt(at + 2) == separator;
            if (high < 0 || low < 0 || !separatorOk) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address; expected " + MAC_EXAMPLE);
            }
            mac = (mac << 8) | (high << 4) | low;
        }
        return mac;
    }

    /** Formats the low 48 bits of {@code mac} as {@code aa:bb:cc:dd:ee:ff}. */
    public static String formatMac(long mac) {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xff;
            text.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }

    /** Throws with a bare reason; the public methods wrap it with the input and an example. */
    private static int octets(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("it has " + parts.length + (parts.length == 1 ? " part" : " parts")
                    + " instead of 4");
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("it has an empty part");
            }
            if (!isDecimal(part) || part.length() > 3) {
                throw new IllegalArgumentException("'" + part + "' is not a number 0..255");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException(octet + " is out of range 0..255");
            }
            if (part.length() > 1 && part.charAt(0) == '0') {
                throw new IllegalArgumentException("'" + part + "' has a leading zero, which some tools read as octal;"
                        + " write " + octet);
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    private static boolean looksLikeIpv4(String text) {
        try {
            octets(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isDecimal(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
