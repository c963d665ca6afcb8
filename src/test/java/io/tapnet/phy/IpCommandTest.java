package io.tapnet.phy;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Process handling and error messages; nothing here needs root. */
class IpCommandTest {

    @Test
    void failureMessageNamesTheCommandAndQuotesStderr() {
        IOException e = assertThrows(IOException.class,
                () -> IpCommand.ip("link", "show", "dev", "tnt-no-such-dev"));
        assertTrue(e.getMessage().startsWith("ip link show dev tnt-no-such-dev: exit 1: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"tnt-no-such-dev\" does not exist"), e.getMessage());
    }

    @Test
    void successReturnsStdout() throws IOException {
        assertTrue(IpCommand.ip("-o", "link", "show", "dev", "lo").contains("lo:"));
    }

    @Test
    void runCapturesExitCodeAndBothStreams() throws IOException {
        IpCommand.Result result = IpCommand.run(
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));
        assertEquals(3, result.exitCode());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertFalse(result.ok());
        IOException e = assertThrows(IOException.class, result::requireSuccess);
        assertEquals("sh -c 'echo out; echo err >&2; exit 3': exit 3: err", e.getMessage());
    }

    @Test
    void largeOutputDoesNotDeadlock() throws IOException {
        IpCommand.Result result = IpCommand.run(
                List.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; head -c 500000 /dev/zero | tr '\\0' y >&2"),
                Duration.ofSeconds(30));
        assertEquals(1_000_000, result.stdout().length());
        assertEquals(500_000, result.stderr().length());
    }

    @Test
    void timeoutKillsTheCommandAndReportsIt() {
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class,
                () -> IpCommand.run(List.of("sh", "-c", "echo started; sleep 30"), Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
        assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("stdout: started"), e.getMessage());
    }

    @Test
    void missingProgramIsReported() {
        IOException e = assertThrows(IOException.class,
                () -> IpCommand.run(List.of("tapnet-no-such-program"), Duration.ofSeconds(5)));
        assertTrue(e.getMessage().startsWith("tapnet-no-such-program: cannot start"), e.getMessage());
    }
}
