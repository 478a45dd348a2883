package dev.greenml;

/** greenml's version, written into every model file and report. */
public final class Version {
    public static final String STRING = "0.1.0";

    private Version() {}
}
