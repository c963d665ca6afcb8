package io.tapnet.app;

/** Round-trip times printed the way iputils' ping and Linux traceroute print them. */
final class TimeFormat {
    private TimeFormat() {
    }

    /** Milliseconds with precision that shrinks as the value grows: 0.052, 1.23, 12.3, 123. */
    static String millis(long nanos) {
        long micros = nanos / 1_000;
        if (micros >= 100_000) {
            return Long.toString(micros / 1000);
        }
        if (micros >= 10_000) {
            return (micros / 1000) + "." + (micros % 1000) / 100;
        }
        if (micros >= 1_000) {
            return (micros / 1000) + "." + String.format("%02d", (micros % 1000) / 10);
        }
        return (micros / 1000) + "." + String.format("%03d", micros % 1000);
    }

    /** Fixed three decimals, as in ping's summary line and in traceroute's hop lines. */
    static String millis3(double nanos) {
        return String.format("%.3f", nanos / 1e6);
    }
}
