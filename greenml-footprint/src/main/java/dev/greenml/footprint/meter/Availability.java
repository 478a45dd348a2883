package dev.greenml.footprint.meter;

/**
 * Whether a meter can be read here; when not, why not and what would fix it.
 *
 * @param available true when the meter can be read
 * @param reason    why it cannot (empty when available)
 * @param fix       what the user can do about it (empty when nothing can be done)
 */
public record Availability(boolean available, String reason, String fix) {
    public static Availability ok() { return new Availability(true, "", ""); }
    public static Availability unavailable(String reason, String fix) { return new Availability(false, reason, fix); }
}
