package dev.greenml.footprint.carbon;
/** STUB for branch meters; the real class lives on branch carbon. */
public final class TransferEnergy {
    private TransferEnergy() {}
    public static double networkKWh(long bytes) { return bytes / 1e9 * 0.06; }
    public static double storageKWh(long bytes) { return bytes / 1e9 * 0.001; }
}
