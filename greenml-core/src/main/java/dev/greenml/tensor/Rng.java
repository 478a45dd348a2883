package dev.greenml.tensor;

/**
 * A seeded, reproducible random generator (SplitMix64, Steele, Lea &amp; Flood, OOPSLA 2014): the
 * same seed gives the same numbers on every JVM and platform, which checkpoints and tests rely on.
 */
public final class Rng {

    private long state;
    private double spareNormal = Double.NaN;

    public Rng(long seed) {
        this.state = seed;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    public float uniform(float lo, float hi) {
        return (float) (lo + (hi - lo) * nextDouble());
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        return (int) Math.floorMod(nextLong() >>> 1, (long) bound);
    }

    /** Standard normal (Box–Muller, pairs cached). */
    public double nextGaussian() {
        if (!Double.isNaN(spareNormal)) {
            double s = spareNormal;
            spareNormal = Double.NaN;
            return s;
        }
        double u1 = nextDouble(), u2 = nextDouble();
        double r = Math.sqrt(-2.0 * Math.log(1.0 - u1));
        double t = 2.0 * Math.PI * u2;
        spareNormal = r * Math.sin(t);
        return r * Math.cos(t);
    }

    /** Fills {@code t} with U[lo, hi). */
    public void fillUniform(Tensor t, float lo, float hi) {
        float[] d = t.data();
        for (int i = 0, o = t.offset(); i < t.size(); i++) d[o + i] = uniform(lo, hi);
    }

    /** Fisher–Yates shuffle of {@code idx} in place. */
    public void shuffle(int[] idx) {
        for (int i = idx.length - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
    }

    /** The internal state, for checkpoints. */
    public long state() { return state; }
    public void setState(long s) { state = s; spareNormal = Double.NaN; }

    /**
     * The complete state, cached normal included: {state, raw bits of the cached normal}. A
     * generator restored from it continues the exact sequence, which resumed training relies on.
     */
    public long[] snapshot() {
        return new long[] {state, Double.doubleToRawLongBits(spareNormal)};
    }

    /** Continues from a {@link #snapshot()}. */
    public void restore(long[] snapshot) {
        if (snapshot == null || snapshot.length != 2) {
            throw new IllegalArgumentException("an Rng snapshot is 2 longs {state, cached normal bits}, got "
                    + (snapshot == null ? "null" : snapshot.length + " values"));
        }
        state = snapshot[0];
        spareNormal = Double.longBitsToDouble(snapshot[1]);
    }
}
