package io.tapnet.topology;

import io.tapnet.phy.LinuxNamespace;
import io.tapnet.phy.TapAttachment;

import java.util.List;

/**
 * A node whose host is the Linux kernel in a network namespace: each interface is a TAP device whose
 * kernel side lives in the namespace and whose file descriptor tapnet keeps.
 */
public record LinuxHost(String name, LinuxNamespace namespace, List<TapAttachment> attachments) {

    public TapAttachment attachment(String iface) {
        for (TapAttachment a : attachments) {
            if (a.port().name().equals(iface)) {
                return a;
            }
        }
        return null;
    }
}
