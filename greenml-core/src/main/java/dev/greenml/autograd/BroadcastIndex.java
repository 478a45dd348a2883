package dev.greenml.autograd;

import java.util.Arrays;

/** For each element of a broadcast output, the flat index it reads in one input. */
final class BroadcastIndex {
    private BroadcastIndex() {}

    /** null when {@code shape} equals {@code outShape} (every element reads itself). */
    static int[] of(int[] shape, int[] outShape) {
        if (Arrays.equals(shape, outShape)) return null;
        int rank = outShape.length;
        int[] strides = new int[rank];   // input stride per output dim, 0 where broadcast
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            int o = i + (rank - shape.length);
            strides[o] = shape[i] == 1 && outShape[o] != 1 ? 0 : stride;
            stride *= shape[i];
        }
        int n = 1;
        for (int d : outShape) n *= d;
        int[] map = new int[n];
        int[] counter = new int[rank];
        int idx = 0;
        for (int i = 0; i < n; i++) {
            map[i] = idx;
            // advance the multi-index like an odometer, updating the input index incrementally
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                idx += strides[d];
                if (counter[d] < outShape[d]) break;
                idx -= strides[d] * counter[d];
                counter[d] = 0;
            }
        }
        return map;
    }
}
