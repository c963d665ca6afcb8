package io.tapnet.phy;

/** Which kind of device {@link TapDevice#open} creates: layer 2 (TAP) or layer 3 (TUN). */
public enum TapMode {
    /** Ethernet frames, with a MAC address; what Linux hosts in a topology use. */
    TAP(TunTapIoctl.IFF_TAP, PcapngWriter.LINKTYPE_ETHERNET),
    /** Raw IP packets with no link-layer header; point-to-point, no ARP, no MAC address. */
    TUN(TunTapIoctl.IFF_TUN, PcapngWriter.LINKTYPE_RAW);

    private final int iffFlag;
    private final int pcapLinkType;

    TapMode(int iffFlag, int pcapLinkType) {
        this.iffFlag = iffFlag;
        this.pcapLinkType = pcapLinkType;
    }

    /** {@link TunTapIoctl#IFF_TAP} or {@link TunTapIoctl#IFF_TUN}, for {@code TUNSETIFF}. */
    public int iffFlag() {
        return iffFlag;
    }

    /** The pcapng link type for captures of this device: Ethernet (1) or raw IP (101). */
    public int pcapLinkType() {
        return pcapLinkType;
    }
}
