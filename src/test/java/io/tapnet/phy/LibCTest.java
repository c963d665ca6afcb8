package io.tapnet.phy;

import static io.tapnet.phy.TunTapIoctl.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JNA binding itself: no root needed. */
class LibCTest {

    @Test
    void failedCallsLeaveErrnoForTheCaller() {
        assertEquals(-1, LibC.open("/nonexistent/tapnet/file", O_RDWR | O_CLOEXEC));
        assertEquals(ENOENT, LibC.errno());
        assertEquals(-1, LibC.close(-1));
        assertEquals(EBADF, LibC.errno());
        assertEquals("No such file or directory", LibC.strerror(ENOENT));
        assertEquals("Resource temporarily unavailable", LibC.strerror(EAGAIN));
        assertEquals("open x: Bad file descriptor (errno 9)", LibC.describe("open x", EBADF));
    }

    @Test
    void readAndWriteTakeRawAddresses() {
        int fd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        assertTrue(fd >= 0);
        try {
            ByteBuffer buf = ByteBuffer.allocateDirect(32).order(java.nio.ByteOrder.nativeOrder());
            long address = LibDirectBuffers.address(buf);
            assertEquals(-1, LibC.read(fd, address, 8));
            assertEquals(EAGAIN, LibC.errno(), "empty non-blocking eventfd");
            buf.putLong(16, 41);
            assertEquals(8, LibC.write(fd, address + 16, 8));
            assertEquals(8, LibC.read(fd, address + 8, 8));
            assertEquals(41, buf.getLong(8));
            int flags = LibC.fcntl(fd, F_GETFL, 0);
            assertEquals(O_NONBLOCK, flags & O_NONBLOCK);
        } finally {
            LibC.close(fd);
        }
    }

    @Test
    void bufferAddressesAreCachedPerBuffer() {
        ByteBuffer a = ByteBuffer.allocateDirect(64);
        ByteBuffer b = ByteBuffer.allocateDirect(64);
        long addressA = LibDirectBuffers.address(a);
        assertEquals(addressA, LibDirectBuffers.lookupAddress(a));
        assertEquals(addressA, LibDirectBuffers.address(a));
        assertNotEquals(addressA, LibDirectBuffers.address(b));
        a.position(10);
        assertEquals(addressA, LibDirectBuffers.address(a), "position does not matter");
        ByteBuffer slice = a.slice(5, 20);
        assertEquals(addressA + 5, LibDirectBuffers.address(slice));
        assertThrows(IllegalArgumentException.class, () -> LibDirectBuffers.address(ByteBuffer.allocate(8)));
    }

    @Test
    void cacheHoldsALargePoolWithoutAllocatingOnHits() {
        List<ByteBuffer> pool = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            pool.add(ByteBuffer.allocateDirect(16));
        }
        long sum = 0;
        for (ByteBuffer buf : pool) {
            sum += LibDirectBuffers.address(buf);
        }
        for (int round = 0; round < 3; round++) { // warm up the lookup path
            long warm = 0;
            for (ByteBuffer buf : pool) {
                warm += LibDirectBuffers.address(buf);
            }
            assertEquals(sum, warm);
        }
        long before = PcapngWriterTest.allocatedBytes();
        long again = 0;
        for (ByteBuffer buf : pool) {
            again += LibDirectBuffers.address(buf);
        }
        long allocated = PcapngWriterTest.allocatedBytes() - before;
        assertEquals(sum, again);
        assertTrue(allocated < 1024, "5000 cached lookups allocated " + allocated + " bytes");
        assertTrue(LibDirectBuffers.size() >= 5000);
    }
}
