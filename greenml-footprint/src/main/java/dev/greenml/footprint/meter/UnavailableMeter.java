package dev.greenml.footprint.meter;

/** A meter that cannot be read here; kept in detection results so the user learns why and how to fix it. */
public record UnavailableMeter(String id, String component, Method method, String source, Availability availability)
        implements Meter {

    public UnavailableMeter(String id, String component, Method method, String source, String reason, String fix) {
        this(id, component, method, source, Availability.unavailable(reason, fix));
    }

    @Override public double uncertainty() { return Double.NaN; }

    @Override public double joules() {
        throw new IllegalStateException(id + " is unavailable: " + availability.reason() + " (fix: " + availability.fix() + ")");
    }
}
